import {
  array, boolean, type Decoder, literal, map, nullable, number, numberMap, optional, record, string, struct, tagged, type TypeOf,
  unknown, withDefault
} from "../lib/decode.ts"

/** Decoders for the REST bodies of issue 4 (snake_case JSON). Lenient where the contract allows. */

export const ApiError = struct({ error: struct({ code: string, message: string }) })

export const Project = struct({
  id: string,
  name: string,
  path: string,
  created_at: optional(string)
})
export type Project = TypeOf<typeof Project>

/** Per-session sampling settings; null leaves a setting to the LLM server. */
export const Generation = struct({
  temperature: withDefault(nullable(number), null),
  top_p: withDefault(nullable(number), null),
  max_tokens: withDefault(nullable(number), null),
  extra: withDefault(nullable(record(unknown)), null)
})
export type Generation = TypeOf<typeof Generation>

export const noGeneration: Generation = { temperature: null, top_p: null, max_tokens: null, extra: null }

export const SessionSummary = struct({
  id: string,
  project_id: string,
  name: string,
  model: withDefault(string, ""),
  system_prompt: withDefault(string, ""),
  generation: withDefault(Generation, noGeneration),
  created_at: optional(string),
  updated_at: optional(string),
  busy: withDefault(boolean, false)
})
export type SessionSummary = TypeOf<typeof SessionSummary>

/** A list answered as a bare array or wrapped in an object under one of a few keys. */
export const listOf =
  <T>(d: Decoder<T>, ...keys: ReadonlyArray<string>): Decoder<ReadonlyArray<T>> =>
  (u, path) => {
    if (Array.isArray(u)) return array(d)(u, path)
    if (typeof u === "object" && u !== null) {
      for (const k of keys) {
        const v: unknown = Reflect.get(u, k)
        if (Array.isArray(v)) return array(d)(v, `${path}.${k}`)
      }
    }
    return array(d)(u, path)
  }

export const ErrorInfo = struct({ code: withDefault(string, "error"), message: withDefault(string, "") })
export type ErrorInfo = TypeOf<typeof ErrorInfo>

export const ToolCall = struct({ id: string, name: string, args: withDefault(string, "") })
export const ToolResult = struct({
  tool_call_id: string,
  output: withDefault(string, ""),
  truncated: withDefault(boolean, false),
  error: optional(string)
})
export type ToolResult = TypeOf<typeof ToolResult>

export const Usage = struct({
  prompt_tokens: withDefault(number, 0),
  completion_tokens: withDefault(number, 0),
  total_tokens: optional(number)
})
export type Usage = TypeOf<typeof Usage>

export const MessageStatus = literal("streaming", "complete", "failed", "cancelled", "interrupted")
export type MessageStatus = TypeOf<typeof MessageStatus>

/** One step of a message, in the order it happened. */
export const MessagePart = tagged("type", {
  text: struct({ type: literal("text"), text: withDefault(string, "") }),
  reasoning: struct({ type: literal("reasoning"), text: withDefault(string, "") }),
  tool_call: struct({ type: literal("tool_call"), tool_call_id: string, name: string, args: withDefault(string, "") }),
  tool_result: struct({
    type: literal("tool_result"),
    tool_call_id: string,
    output: withDefault(string, ""),
    truncated: withDefault(boolean, false),
    error: optional(string)
  })
})
export type MessagePart = TypeOf<typeof MessagePart>

/** Which of the answers to the message before it this one is (index from 0), once one was regenerated. */
export const Alternatives = struct({ index: number, count: number })
export type Alternatives = TypeOf<typeof Alternatives>

export const Message = struct({
  id: string,
  role: literal("user", "assistant"),
  content: withDefault(string, ""),
  reasoning: withDefault(string, ""),
  tool_calls: withDefault(array(ToolCall), []),
  tool_results: withDefault(array(ToolResult), []),
  status: withDefault(MessageStatus, "complete"),
  /** Why the model stopped ("stop", "length", "tool_calls"…), once it has. */
  finish_reason: optional(string),
  /** The message in the order it happened; empty from a server that predates parts. */
  parts: withDefault(array(MessagePart), []),
  error: optional(ErrorInfo),
  /** Why an interrupted message stopped, when the server says. */
  reason: optional(string),
  model: optional(string),
  usage: optional(Usage),
  tokens_used: optional(number),
  tok_per_s: optional(number),
  ctx_used: optional(number),
  ctx_max: optional(number),
  timings: optional(numberMap),
  started_at: optional(string),
  finished_at: optional(string),
  alternatives: optional(Alternatives)
})
export type Message = TypeOf<typeof Message>

/** GET /api/sessions/{id}: {session, messages, version}. */
export const SessionDetail = struct({
  session: SessionSummary,
  messages: array(Message),
  version: number
})
export type SessionDetail = TypeOf<typeof SessionDetail>

/** GET /api/sessions/{id}/state?version=N: the session as it was at that version, same shape. */
export const SessionState = SessionDetail

export const Model = map(
  struct({
    id: string,
    ctx_size: optional(number),
    ctx_max: optional(number),
    n_ctx: optional(number)
  }),
  (m) => ({ id: m.id, ctx: m.ctx_size ?? m.ctx_max ?? m.n_ctx })
)
export type Model = TypeOf<typeof Model>

export const SearchHit = struct({
  session_id: string,
  message_id: optional(string),
  project_id: optional(string),
  name: optional(string),
  session_name: optional(string),
  snippet: withDefault(string, ""),
  rank: optional(number)
})
export type SearchHit = TypeOf<typeof SearchHit>

export const AuditEvent = struct({
  version: number,
  type: string,
  data: withDefault(unknown, null),
  recorded_at: optional(string),
  global_position: optional(number)
})
export type AuditEvent = TypeOf<typeof AuditEvent>

export const PostMessageReply = struct({
  user_message_id: optional(string),
  assistant_message_id: optional(string),
  version: optional(number)
})

export const ForkReply = map(
  struct({ id: optional(string), session_id: optional(string), session: optional(SessionSummary) }),
  (r) => r.session?.id ?? r.session_id ?? r.id ?? ""
)

/** GET /api/llm/status: is the LLM server there, what it offers and what it has loaded (null: it does not say). */
export const LlmStatus = struct({
  url: withDefault(string, ""),
  reachable: boolean,
  loading: withDefault(boolean, false),
  models: withDefault(array(string), []),
  loaded: withDefault(nullable(array(string)), null),
  error: withDefault(nullable(string), null)
})
export type LlmStatus = TypeOf<typeof LlmStatus>

export const nullableString = nullable(string)
