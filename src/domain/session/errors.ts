import { Schema } from "effect"
import { HttpApiSchema } from "@effect/platform"
import { MessageId, SessionId, ToolCallId } from "../ids.ts"
import { InvalidName } from "../name.ts"
import { MessageRole } from "./message.ts"

export class SessionNotFound extends Schema.TaggedError<SessionNotFound>()(
  "SessionNotFound", { session_id: SessionId }, HttpApiSchema.annotations({ status: 404 })
) {
  get message(): string { return `Session ${this.session_id} does not exist or was deleted` }
}

export class SessionAlreadyExists extends Schema.TaggedError<SessionAlreadyExists>()(
  "SessionAlreadyExists", { session_id: SessionId }, HttpApiSchema.annotations({ status: 409 })
) {
  get message(): string { return `Session ${this.session_id} already exists` }
}

export class SessionBusy extends Schema.TaggedError<SessionBusy>()(
  "SessionBusy", { session_id: SessionId, open_message_id: MessageId }, HttpApiSchema.annotations({ status: 409 })
) {
  get message(): string {
    return `Session ${this.session_id} is busy: message ${this.open_message_id} is still being answered`
  }
}

export class EmptyMessage extends Schema.TaggedError<EmptyMessage>()("EmptyMessage", {}, HttpApiSchema.annotations({ status: 400 })) {
  get message(): string { return "A message cannot be empty" }
}

export class MessageNotFound extends Schema.TaggedError<MessageNotFound>()(
  "MessageNotFound", { message_id: MessageId }, HttpApiSchema.annotations({ status: 404 })
) {
  get message(): string { return `Message ${this.message_id} is not in this session` }
}

export class MessageAlreadyExists extends Schema.TaggedError<MessageAlreadyExists>()(
  "MessageAlreadyExists", { message_id: MessageId }, HttpApiSchema.annotations({ status: 409 })
) {
  get message(): string { return `Message ${this.message_id} already exists in this session` }
}

export class WrongMessageRole extends Schema.TaggedError<WrongMessageRole>()(
  "WrongMessageRole", { message_id: MessageId, expected: MessageRole }, HttpApiSchema.annotations({ status: 400 })
) {
  get message(): string { return `Message ${this.message_id} is not an ${this.expected} message` }
}

export class MessageNotOpen extends Schema.TaggedError<MessageNotOpen>()(
  "MessageNotOpen", { message_id: MessageId }, HttpApiSchema.annotations({ status: 409 })
) {
  get message(): string { return `Message ${this.message_id} is not the assistant message currently streaming` }
}

export class DeltaOffsetMismatch extends Schema.TaggedError<DeltaOffsetMismatch>()(
  "DeltaOffsetMismatch",
  { message_id: MessageId, expected: Schema.Number, received: Schema.Number },
  HttpApiSchema.annotations({ status: 409 })
) {
  get message(): string {
    return `Delta for message ${this.message_id} starts at offset ${this.received}, expected ${this.expected}`
  }
}

export class ToolCallAlreadyRequested extends Schema.TaggedError<ToolCallAlreadyRequested>()(
  "ToolCallAlreadyRequested", { tool_call_id: ToolCallId }, HttpApiSchema.annotations({ status: 409 })
) {
  get message(): string { return `Tool call ${this.tool_call_id} was already requested` }
}

export class ToolCallNotFound extends Schema.TaggedError<ToolCallNotFound>()(
  "ToolCallNotFound", { tool_call_id: ToolCallId }, HttpApiSchema.annotations({ status: 404 })
) {
  get message(): string { return `Tool call ${this.tool_call_id} was not requested in this message` }
}

export class ToolResultAlreadyRecorded extends Schema.TaggedError<ToolResultAlreadyRecorded>()(
  "ToolResultAlreadyRecorded", { tool_call_id: ToolCallId }, HttpApiSchema.annotations({ status: 409 })
) {
  get message(): string { return `Tool call ${this.tool_call_id} already has a result` }
}

/** Continue applies only to the last answer, when it stopped short. */
export class NotContinuable extends Schema.TaggedError<NotContinuable>()(
  "NotContinuable", { message_id: MessageId, reason: Schema.String }, HttpApiSchema.annotations({ status: 409 })
) {
  get message(): string {
    return `Message ${this.message_id} cannot be continued: ${this.reason}`
  }
}

/** An index outside the answers kept for a message (a message never regenerated has one). */
export class AlternativeNotFound extends Schema.TaggedError<AlternativeNotFound>()(
  "AlternativeNotFound", { message_id: MessageId, index: Schema.Number, count: Schema.Number },
  HttpApiSchema.annotations({ status: 404 })
) {
  get message(): string {
    return this.count === 1
      ? `Message ${this.message_id} has no alternatives: regenerate it to make one`
      : `Message ${this.message_id} has ${this.count} alternatives: choose an index from 0 to ${this.count - 1}`
  }
}

export const SessionError = Schema.Union(
  SessionNotFound, SessionAlreadyExists, SessionBusy, EmptyMessage, MessageNotFound, MessageAlreadyExists,
  WrongMessageRole, MessageNotOpen, DeltaOffsetMismatch, ToolCallAlreadyRequested, ToolCallNotFound,
  ToolResultAlreadyRecorded, InvalidName, NotContinuable, AlternativeNotFound
)
export type SessionError = typeof SessionError.Type
