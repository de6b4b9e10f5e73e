import { Schema } from "effect"
import { MessageId, ProjectId, SessionId, ToolCallId } from "../ids.ts"
import { ErrorInfo, GenerationSettings, MessageSnapshot, Timings, Usage } from "./message.ts"

const at = Schema.String
const session_id = SessionId
const message_id = MessageId

export const ForkedFrom = Schema.Struct({ session_id: SessionId, version: Schema.Number, message_id: MessageId })
export type ForkedFrom = typeof ForkedFrom.Type

/** v1 stored events lacked `model` and `system_prompt`: they decode to null and "". */
export const SessionCreated = Schema.TaggedStruct("SessionCreated", {
  session_id,
  project_id: ProjectId,
  name: Schema.String,
  model: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  system_prompt: Schema.optionalWith(Schema.String, { default: () => "" }),
  forked_from: Schema.optional(ForkedFrom),
  at
})
export type SessionCreated = typeof SessionCreated.Type

export const MessagesCopied = Schema.TaggedStruct("MessagesCopied", {
  session_id,
  messages: Schema.Array(MessageSnapshot),
  at
})
export type MessagesCopied = typeof MessagesCopied.Type

export const SessionRenamed = Schema.TaggedStruct("SessionRenamed", {
  session_id,
  name: Schema.String,
  by: Schema.Literal("user", "auto"),
  at
})
export type SessionRenamed = typeof SessionRenamed.Type

/** `generation` replaces the sampling settings whole; events stored before it existed lack it. */
export const SessionSettingsChanged = Schema.TaggedStruct("SessionSettingsChanged", {
  session_id,
  model: Schema.optional(Schema.NullOr(Schema.String)),
  system_prompt: Schema.optional(Schema.String),
  generation: Schema.optional(GenerationSettings),
  at
})
export type SessionSettingsChanged = typeof SessionSettingsChanged.Type

export const SessionDeleted = Schema.TaggedStruct("SessionDeleted", { session_id, at })
export type SessionDeleted = typeof SessionDeleted.Type

export const UserMessagePosted = Schema.TaggedStruct("UserMessagePosted", {
  session_id,
  message_id,
  content: Schema.String,
  at
})
export type UserMessagePosted = typeof UserMessagePosted.Type

/**
 * Who runs a turn: the instance that started it, the lease epoch (the stream version of the start
 * event, so it only grows within a session) and how long its lease lasts without renewal.
 */
export const TurnOwner = Schema.Struct({ instance_id: Schema.String, epoch: Schema.Number, lease_ms: Schema.Number })
export type TurnOwner = typeof TurnOwner.Type

/** Events stored before turns had owners lack `owner`: any instance may close such a turn. */
export const AssistantMessageStarted = Schema.TaggedStruct("AssistantMessageStarted", {
  session_id,
  message_id,
  model: Schema.NullOr(Schema.String),
  owner: Schema.optional(TurnOwner),
  at
})
export type AssistantMessageStarted = typeof AssistantMessageStarted.Type

/** A stopped answer opened again to go on where it stopped: its text continues at its current length. */
export const AssistantMessageContinued = Schema.TaggedStruct("AssistantMessageContinued", {
  session_id,
  message_id,
  owner: Schema.optional(TurnOwner),
  at
})
export type AssistantMessageContinued = typeof AssistantMessageContinued.Type

const deltaFields = { session_id, message_id, offset: Schema.Number, text: Schema.String, at }
export const TextDelta = Schema.TaggedStruct("TextDelta", deltaFields)
export type TextDelta = typeof TextDelta.Type
export const ReasoningDelta = Schema.TaggedStruct("ReasoningDelta", deltaFields)
export type ReasoningDelta = typeof ReasoningDelta.Type

export const ToolCallRequested = Schema.TaggedStruct("ToolCallRequested", {
  session_id,
  message_id,
  tool_call_id: ToolCallId,
  name: Schema.String,
  /** Raw JSON text as the model sent it (may be invalid JSON). */
  args: Schema.String,
  at
})
export type ToolCallRequested = typeof ToolCallRequested.Type

/** v1 stored events lacked `truncated`: it decodes to false. */
export const ToolResultRecorded = Schema.TaggedStruct("ToolResultRecorded", {
  session_id,
  message_id,
  tool_call_id: ToolCallId,
  output: Schema.String,
  truncated: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  error: Schema.optional(Schema.String),
  at
})
export type ToolResultRecorded = typeof ToolResultRecorded.Type

/** `model`: the model the server says answered; events stored before it was recorded lack it. */
export const AssistantMessageCompleted = Schema.TaggedStruct("AssistantMessageCompleted", {
  session_id,
  message_id,
  model: Schema.optional(Schema.String),
  finish_reason: Schema.String,
  usage: Schema.NullOr(Usage),
  ctx_used: Schema.NullOr(Schema.Number),
  ctx_max: Schema.NullOr(Schema.Number),
  timings: Schema.NullOr(Timings),
  at
})
export type AssistantMessageCompleted = typeof AssistantMessageCompleted.Type

export const AssistantMessageFailed = Schema.TaggedStruct("AssistantMessageFailed", {
  session_id,
  message_id,
  error: ErrorInfo,
  at
})
export type AssistantMessageFailed = typeof AssistantMessageFailed.Type

/** A cancel asked of an instance that does not run the turn: the owner sees it and stops its upstream. */
export const CancelRequested = Schema.TaggedStruct("CancelRequested", { session_id, message_id, at })
export type CancelRequested = typeof CancelRequested.Type

export const AssistantMessageCancelled = Schema.TaggedStruct("AssistantMessageCancelled", { session_id, message_id, at })
export type AssistantMessageCancelled = typeof AssistantMessageCancelled.Type

export const AssistantMessageInterrupted = Schema.TaggedStruct("AssistantMessageInterrupted", {
  session_id,
  message_id,
  reason: Schema.String,
  at
})
export type AssistantMessageInterrupted = typeof AssistantMessageInterrupted.Type

export const MessagesDeleted = Schema.TaggedStruct("MessagesDeleted", {
  session_id,
  message_ids: Schema.Array(MessageId),
  at
})
export type MessagesDeleted = typeof MessagesDeleted.Type

/**
 * A regenerate keeps the answer it replaces: `message_ids` (the answer and what followed it) are
 * set aside as an alternative after message `after`, which now has `count` answers, the coming one last.
 */
export const MessagesSetAside = Schema.TaggedStruct("MessagesSetAside", {
  session_id,
  after: MessageId,
  message_ids: Schema.Array(MessageId),
  count: Schema.Number,
  at
})
export type MessagesSetAside = typeof MessagesSetAside.Type

/** Alternative `index` (of `count`) after message `after` is shown: `shown` replace `hidden`. */
export const AlternativeSelected = Schema.TaggedStruct("AlternativeSelected", {
  session_id,
  after: MessageId,
  index: Schema.Number,
  count: Schema.Number,
  shown: Schema.Array(MessageId),
  hidden: Schema.Array(MessageId),
  at
})
export type AlternativeSelected = typeof AlternativeSelected.Type

export const SessionEvent = Schema.Union(
  SessionCreated,
  MessagesCopied,
  SessionRenamed,
  SessionSettingsChanged,
  SessionDeleted,
  UserMessagePosted,
  AssistantMessageStarted,
  AssistantMessageContinued,
  TextDelta,
  ReasoningDelta,
  ToolCallRequested,
  ToolResultRecorded,
  AssistantMessageCompleted,
  AssistantMessageFailed,
  CancelRequested,
  AssistantMessageCancelled,
  AssistantMessageInterrupted,
  MessagesDeleted,
  MessagesSetAside,
  AlternativeSelected
)
export type SessionEvent = typeof SessionEvent.Type
export type SessionEventEncoded = typeof SessionEvent.Encoded

const tagSet: { readonly [K in SessionEvent["_tag"]]: K } = {
  SessionCreated: "SessionCreated",
  MessagesCopied: "MessagesCopied",
  SessionRenamed: "SessionRenamed",
  SessionSettingsChanged: "SessionSettingsChanged",
  SessionDeleted: "SessionDeleted",
  UserMessagePosted: "UserMessagePosted",
  AssistantMessageStarted: "AssistantMessageStarted",
  AssistantMessageContinued: "AssistantMessageContinued",
  TextDelta: "TextDelta",
  ReasoningDelta: "ReasoningDelta",
  ToolCallRequested: "ToolCallRequested",
  ToolResultRecorded: "ToolResultRecorded",
  AssistantMessageCompleted: "AssistantMessageCompleted",
  AssistantMessageFailed: "AssistantMessageFailed",
  CancelRequested: "CancelRequested",
  AssistantMessageCancelled: "AssistantMessageCancelled",
  AssistantMessageInterrupted: "AssistantMessageInterrupted",
  MessagesDeleted: "MessagesDeleted",
  MessagesSetAside: "MessagesSetAside",
  AlternativeSelected: "AlternativeSelected"
}
export const sessionEventTypes: ReadonlyArray<SessionEvent["_tag"]> = Object.values(tagSet)

/** The events that end an assistant message, whatever the outcome. */
export const isTerminalEvent = (
  event: SessionEvent
): event is AssistantMessageCompleted | AssistantMessageFailed | AssistantMessageCancelled | AssistantMessageInterrupted =>
  event._tag === "AssistantMessageCompleted" || event._tag === "AssistantMessageFailed" ||
  event._tag === "AssistantMessageCancelled" || event._tag === "AssistantMessageInterrupted"
