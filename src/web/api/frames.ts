import {
  array, boolean, literal, map, maybe, number, numberMap, optional, string, struct, tagged, type TypeOf, withDefault
} from "../lib/decode.ts"
import { Alternatives, ErrorInfo, Generation, Message, SessionDetail, SessionSummary, Usage } from "./types.ts"

/** Frames of WS /api/ws/sessions/{id}: persisted ones carry `version`, deltas their UTF-16 offset. */
const v = { version: optional(number) }

const Ctx = map(
  struct({ used: optional(number), max: optional(number), ctx_used: optional(number), ctx_max: optional(number) }),
  (c) => ({ used: c.used ?? c.ctx_used, max: c.max ?? c.ctx_max })
)

export const SessionFrame = tagged("type", {
  message_started: struct({
    type: literal("message_started"),
    ...v,
    message_id: string,
    role: withDefault(literal("user", "assistant"), "assistant"),
    content: withDefault(string, ""),
    model: optional(string),
    at: optional(string)
  }),
  delta: struct({ type: literal("delta"), ...v, message_id: string, offset: number, content: string }),
  reasoning_delta: struct({ type: literal("reasoning_delta"), ...v, message_id: string, offset: number, content: string }),
  tool_call: struct({
    type: literal("tool_call"),
    ...v,
    message_id: optional(string),
    tool_call_id: string,
    name: string,
    args: withDefault(string, "")
  }),
  tool_result: struct({
    type: literal("tool_result"),
    ...v,
    message_id: optional(string),
    tool_call_id: string,
    output: withDefault(string, ""),
    truncated: withDefault(boolean, false),
    error: optional(string)
  }),
  message_complete: struct({
    type: literal("message_complete"),
    ...v,
    message_id: string,
    usage: optional(Usage),
    ctx: optional(Ctx),
    ctx_used: optional(number),
    ctx_max: optional(number),
    timings: optional(numberMap),
    finish_reason: optional(string),
    at: optional(string)
  }),
  message_failed: struct({ type: literal("message_failed"), ...v, message_id: string, error: optional(ErrorInfo), at: optional(string) }),
  message_cancelled: struct({ type: literal("message_cancelled"), ...v, message_id: string, at: optional(string) }),
  message_interrupted: struct({
    type: literal("message_interrupted"),
    ...v,
    message_id: string,
    reason: optional(string),
    at: optional(string)
  }),
  /** The last answer goes on: its text continues from its current length in the same message. */
  message_continued: struct({ type: literal("message_continued"), ...v, message_id: string, at: optional(string) }),
  messages_deleted: struct({ type: literal("messages_deleted"), ...v, message_ids: array(string) }),
  /** A regenerate keeps these messages aside; the answer that comes next is alternative `index` of `count`. */
  messages_set_aside: struct({
    type: literal("messages_set_aside"), ...v, after: string, message_ids: array(string), alternatives: Alternatives
  }),
  /** Another answer after message `after` is shown: `messages` replace everything after it. */
  alternative_selected: struct({
    type: literal("alternative_selected"), ...v, after: string, alternatives: Alternatives, messages: array(Message)
  }),
  session_renamed: struct({ type: literal("session_renamed"), ...v, name: string, by: optional(string) }),
  session_updated: struct({
    type: literal("session_updated"),
    ...v,
    model: maybe(string),
    system_prompt: optional(string),
    generation: optional(Generation),
    name: optional(string)
  }),
  session_deleted: struct({ type: literal("session_deleted"), ...v }),
  /** A fork's history, copied from the parent session. */
  messages_copied: struct({ type: literal("messages_copied"), ...v, messages: array(Message) }),
  /** The whole session as of `version` (same shape as GET /api/sessions/{id}), for a client far behind; the tail follows. */
  snapshot: struct({ type: literal("snapshot"), version: number, session: SessionDetail }),
  /** The backlog is sent; live frames follow. */
  caught_up: struct({ type: literal("caught_up"), version: optional(number) }),
  pong: struct({ type: literal("pong"), ...v })
})
export type SessionFrame = TypeOf<typeof SessionFrame>

/** Frames of WS /api/ws/user: lifecycle of projects and sessions, for every open tab. */
export const UserFrame = tagged("type", {
  hello: struct({ type: literal("hello"), user: optional(string) }),
  pong: struct({ type: literal("pong") }),
  project_added: struct({
    type: literal("project_added"),
    project_id: optional(string),
    project: optional(struct({ id: string, name: string, path: string })),
    name: optional(string),
    path: optional(string)
  }),
  project_removed: struct({ type: literal("project_removed"), project_id: string }),
  session_created: struct({
    type: literal("session_created"),
    session_id: optional(string),
    project_id: optional(string),
    name: optional(string),
    session: optional(SessionSummary),
    updated_at: optional(string)
  }),
  session_updated: struct({
    type: literal("session_updated"),
    session_id: string,
    project_id: optional(string),
    name: optional(string),
    updated_at: optional(string),
    busy: optional(boolean)
  }),
  session_renamed: struct({ type: literal("session_renamed"), session_id: string, name: string, project_id: optional(string) }),
  session_deleted: struct({ type: literal("session_deleted"), session_id: string, project_id: optional(string) })
})
export type UserFrame = TypeOf<typeof UserFrame>
