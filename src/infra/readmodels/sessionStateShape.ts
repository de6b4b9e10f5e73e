import type { SessionState } from "../../domain/index.ts"

/**
 * Whether parsed JSON has exactly the shape of an encoded SessionState (no more keys, no fewer),
 * checked by hand: Schema's decode of a large state (thousands of messages) costs tens of ms and
 * copies every object, while a snapshot this code wrote at the current format only needs to be
 * recognised. Ids are checked as strings, not as UUIDs: the careful Schema decode stays the path
 * for anything this check refuses. SessionState's encoded form equals its type (no transformations),
 * so a value that passes is the state.
 */
export const isSessionStateShape = (u: unknown): u is SessionState =>
  isRecord(u, STATE_KEYS) &&
  typeof u.exists === "boolean" &&
  typeof u.deleted === "boolean" &&
  isStringOrNull(u.session_id) &&
  isStringOrNull(u.project_id) &&
  typeof u.name === "string" &&
  (u.name_by === "user" || u.name_by === "auto" || u.name_by === "default") &&
  isStringOrNull(u.model) &&
  typeof u.system_prompt === "string" &&
  isGeneration(u.generation) &&
  (u.forked_from === null || isForkedFrom(u.forked_from)) &&
  Array.isArray(u.messages) && u.messages.every(isMessage) &&
  Array.isArray(u.alternatives) && u.alternatives.every(isAlternatives) &&
  isStringOrNull(u.open_message_id) &&
  isStringOrNull(u.created_at) &&
  isStringOrNull(u.updated_at) &&
  isNumber(u.version)

const STATE_KEYS = 16
const MESSAGE_KEYS = 17

type Fields = Record<string, unknown>

const isRecord = (u: unknown, keys: number): u is Fields =>
  typeof u === "object" && u !== null && !Array.isArray(u) && Object.keys(u).length === keys

const isNumber = (u: unknown): u is number => typeof u === "number" && Number.isFinite(u)
const isStringOrNull = (u: unknown) => u === null || typeof u === "string"
const isNumberOrNull = (u: unknown) => u === null || isNumber(u)

const isGeneration = (u: unknown) =>
  isRecord(u, 4) && isNumberOrNull(u.temperature) && isNumberOrNull(u.top_p) && isNumberOrNull(u.max_tokens) &&
  (u.extra === null || (typeof u.extra === "object" && !Array.isArray(u.extra)))

const isForkedFrom = (u: unknown) =>
  isRecord(u, 3) && typeof u.session_id === "string" && isNumber(u.version) && typeof u.message_id === "string"

const isAlternatives = (u: unknown) =>
  isRecord(u, 3) && typeof u.after === "string" && isNumber(u.active) &&
  Array.isArray(u.tails) && u.tails.every((tail) => Array.isArray(tail) && tail.every(isMessage))

const STATUSES: ReadonlySet<unknown> = new Set(["streaming", "complete", "failed", "cancelled", "interrupted"])

const isMessage = (u: unknown) =>
  isRecord(u, MESSAGE_KEYS) &&
  typeof u.id === "string" &&
  (u.role === "user" || u.role === "assistant") &&
  typeof u.content === "string" &&
  typeof u.reasoning === "string" &&
  Array.isArray(u.tool_calls) && u.tool_calls.every(isToolCall) &&
  Array.isArray(u.tool_results) && u.tool_results.every(isToolResult) &&
  STATUSES.has(u.status) &&
  (u.error === null || (isRecord(u.error, 2) && typeof u.error.code === "string" && typeof u.error.message === "string")) &&
  isStringOrNull(u.finish_reason) &&
  (u.usage === null || isUsage(u.usage)) &&
  isNumberOrNull(u.ctx_used) &&
  isNumberOrNull(u.ctx_max) &&
  (u.timings === null || isTimings(u.timings)) &&
  isStringOrNull(u.model) &&
  typeof u.started_at === "string" &&
  isStringOrNull(u.finished_at) &&
  Array.isArray(u.parts) && u.parts.every(isPart)

const isPart = (u: unknown) =>
  typeof u === "object" && u !== null && !Array.isArray(u) && (
    ((u as Fields).type === "text" || (u as Fields).type === "reasoning")
      ? isRecord(u, 3) && isNumber(u.start) && isNumber(u.end)
      : ((u as Fields).type === "tool_call" || (u as Fields).type === "tool_result") &&
        isRecord(u, 2) && typeof u.tool_call_id === "string" && u.tool_call_id !== ""
  )

const isToolCall = (u: unknown) =>
  isRecord(u, 3) && typeof u.id === "string" && u.id !== "" && typeof u.name === "string" && typeof u.args === "string"

const isToolResult = (u: unknown) =>
  isRecord(u, 4) && typeof u.tool_call_id === "string" && u.tool_call_id !== "" && typeof u.output === "string" &&
  typeof u.truncated === "boolean" && isStringOrNull(u.error)

const isUsage = (u: unknown) =>
  isRecord(u, 3) && isNumber(u.prompt_tokens) && isNumber(u.completion_tokens) && isNumber(u.total_tokens)

const isTimings = (u: unknown) =>
  typeof u === "object" && u !== null && !Array.isArray(u) && Object.values(u).every(isNumber)
