import { Schema } from "effect"
import { ErrorInfo, Timings, Usage } from "../domain/session/message.ts"
import { Alternatives, Message, Session, SessionDetail } from "../http/api/schemas.ts"
import { ErrorFrame, PongFrame } from "./socketFrames.ts"

/**
 * Frames of WS /api/ws/sessions/{id}, server to browser: the server builds them as these schemas'
 * Encoded types and the browser decodes them with these schemas. Persisted frames carry the log
 * `version` of their event and its time `at`; text goes as deltas placed by UTF-16 `offset`.
 */
const Version = Schema.Int.pipe(Schema.nonNegative()).annotations({ description: "The session log version of the event" })
const persisted = { version: Version, at: Schema.String }
const frame = <Type extends string, Fields extends Schema.Struct.Fields>(type: Type, fields: Fields, description: string) =>
  Schema.Struct({ type: Schema.Literal(type), ...fields }).annotations({
    identifier: `${type.split("_").map((w) => w[0].toUpperCase() + w.slice(1)).join("")}Frame`,
    description
  })

export const UserMessageStartedFrame = frame(
  "message_started",
  { ...persisted, message_id: Schema.String, role: Schema.Literal("user"), content: Schema.String },
  "A user message was posted"
).annotations({ identifier: "UserMessageStartedFrame" })

export const AssistantMessageStartedFrame = frame(
  "message_started",
  { ...persisted, message_id: Schema.String, role: Schema.Literal("assistant"), model: Schema.NullOr(Schema.String) },
  "An answer starts streaming; its text follows as delta frames"
).annotations({ identifier: "AssistantMessageStartedFrame" })

const deltaFields = {
  version: Schema.optional(Version).annotations({
    description: "Set when the text comes from the log (a TextDelta/ReasoningDelta event); live text has none"
  }),
  message_id: Schema.String,
  offset: Schema.Int.pipe(Schema.nonNegative()).annotations({ description: "Where `content` starts in the message's text, in UTF-16 code units" }),
  content: Schema.String
}
export const DeltaFrame = frame("delta", deltaFields, "More of an answer's text")
export const ReasoningDeltaFrame = frame("reasoning_delta", deltaFields, "More of an answer's reasoning")

export const ToolCallFrame = frame(
  "tool_call",
  { ...persisted, message_id: Schema.String, tool_call_id: Schema.String, name: Schema.String, args: Schema.String },
  "The model called a tool; `args` is the JSON text it sent"
)
export const ToolResultFrame = frame(
  "tool_result",
  {
    ...persisted, message_id: Schema.String, tool_call_id: Schema.String, output: Schema.String, truncated: Schema.Boolean,
    error: Schema.NullOr(Schema.String)
  },
  "A tool's result"
)
export const MessageCompleteFrame = frame(
  "message_complete",
  {
    ...persisted, message_id: Schema.String, finish_reason: Schema.String, usage: Schema.NullOr(Usage),
    ctx: Schema.Struct({ used: Schema.NullOr(Schema.Number), max: Schema.NullOr(Schema.Number) }),
    timings: Schema.NullOr(Timings)
  },
  "An answer ended normally"
)
export const MessageFailedFrame = frame("message_failed", { ...persisted, message_id: Schema.String, error: ErrorInfo }, "An answer failed")
export const MessageCancelledFrame = frame("message_cancelled", { ...persisted, message_id: Schema.String }, "An answer was cancelled")
export const MessageInterruptedFrame = frame(
  "message_interrupted",
  { ...persisted, message_id: Schema.String, reason: Schema.String },
  "An answer stopped because its server stopped or died"
)
export const MessageContinuedFrame = frame(
  "message_continued",
  { ...persisted, message_id: Schema.String },
  "The last answer goes on: its text continues from its current length in the same message"
)
export const MessagesDeletedFrame = frame(
  "messages_deleted",
  { ...persisted, message_ids: Schema.Array(Schema.String) },
  "Messages were deleted (edit, truncate)"
)
export const MessagesSetAsideFrame = frame(
  "messages_set_aside",
  { ...persisted, after: Schema.String, message_ids: Schema.Array(Schema.String), alternatives: Alternatives },
  "A regenerate keeps these messages aside; the answer that comes next after `after` is alternative `index` of `count`"
)
export const AlternativeSelectedFrame = frame(
  "alternative_selected",
  { ...persisted, after: Schema.String, alternatives: Alternatives, messages: Schema.Array(Message) },
  "Another answer after message `after` is shown: `messages` replace everything after it"
)
export const MessagesCopiedFrame = frame(
  "messages_copied",
  { ...persisted, messages: Schema.Array(Message) },
  "A fork's history, copied from the parent session"
)
export const SessionRenamedFrame = frame(
  "session_renamed",
  { ...persisted, name: Schema.String, by: Schema.Literal("user", "auto") },
  "The session was renamed, by the user or by auto-naming"
)
export const SessionUpdatedFrame = frame(
  "session_updated",
  {
    ...persisted,
    name: Schema.optional(Schema.String),
    model: Schema.optional(Schema.NullOr(Schema.String)),
    system_prompt: Schema.optional(Schema.String),
    generation: Schema.optional(Session.fields.generation)
  },
  "The session's settings: the fields present changed (a null model is the server's default)"
)
export const SessionDeletedFrame = frame("session_deleted", persisted, "The session was deleted")
export const SnapshotFrame = frame(
  "snapshot",
  { version: Version, session: SessionDetail },
  "The whole session as of `version` (the shape of GET /api/sessions/{id}), for a client far behind; the log after it follows"
)
export const CaughtUpFrame = frame("caught_up", { version: Version }, "The backlog is sent; live frames follow")

/** The frames of one persisted event (every one but the deltas). */
export const PersistedFrame = Schema.Union(
  UserMessageStartedFrame, AssistantMessageStartedFrame, ToolCallFrame, ToolResultFrame, MessageCompleteFrame,
  MessageFailedFrame, MessageCancelledFrame, MessageInterruptedFrame, MessageContinuedFrame, MessagesDeletedFrame,
  MessagesSetAsideFrame, AlternativeSelectedFrame, MessagesCopiedFrame, SessionRenamedFrame, SessionUpdatedFrame,
  SessionDeletedFrame
)
export type PersistedFrame = typeof PersistedFrame.Encoded

export const SessionFrame = Schema.Union(
  ...PersistedFrame.members, DeltaFrame, ReasoningDeltaFrame, SnapshotFrame, CaughtUpFrame, PongFrame, ErrorFrame
).annotations({ identifier: "SessionFrame", description: "A frame of WS /api/ws/sessions/{id}, server to client" })
export type SessionFrame = typeof SessionFrame.Type
export type SessionFrameEncoded = typeof SessionFrame.Encoded
