import { Schema } from "effect"
import { MessageId, ProjectId, SessionId, ToolCallId } from "../ids.ts"
import { ErrorInfo, GenerationSettings, MessageSnapshot, Timings, Usage } from "./message.ts"

const at = Schema.String
const session_id = SessionId
const message_id = MessageId
const model = Schema.NullOr(Schema.String)
/** The instance starting a turn and its lease length; the epoch is decided from the stream. */
export const TurnClaim = Schema.Struct({ instance_id: Schema.String, lease_ms: Schema.Number })
export type TurnClaim = typeof TurnClaim.Type
const owner = Schema.optional(TurnClaim)

export const CreateSession = Schema.TaggedStruct("CreateSession", {
  session_id, project_id: ProjectId, name: Schema.String, model, system_prompt: Schema.String, at
})
/** Creates a new session from `messages`: the source's history already cut after `message_id`. */
export const ForkSession = Schema.TaggedStruct("ForkSession", {
  session_id, project_id: ProjectId, name: Schema.String, model, system_prompt: Schema.String,
  source_session_id: SessionId, source_version: Schema.Number, message_id,
  messages: Schema.Array(MessageSnapshot), generation: Schema.optional(GenerationSettings), at
})
export const RenameSession = Schema.TaggedStruct("RenameSession", {
  session_id, name: Schema.String, by: Schema.Literal("user", "auto"), at
})
export const ChangeSessionSettings = Schema.TaggedStruct("ChangeSessionSettings", {
  session_id, model: Schema.optional(model), system_prompt: Schema.optional(Schema.String),
  generation: Schema.optional(GenerationSettings), at
})
export const DeleteSession = Schema.TaggedStruct("DeleteSession", { session_id, at })
export const PostUserMessage = Schema.TaggedStruct("PostUserMessage", {
  session_id, message_id, assistant_message_id: MessageId, content: Schema.String, model, owner, at
})
export const StartAssistantMessage = Schema.TaggedStruct("StartAssistantMessage", { session_id, message_id, model, owner, at })
const deltaFields = { session_id, message_id, offset: Schema.Number, text: Schema.String, at }
export const AppendText = Schema.TaggedStruct("AppendText", deltaFields)
export const AppendReasoning = Schema.TaggedStruct("AppendReasoning", deltaFields)
export const RequestToolCall = Schema.TaggedStruct("RequestToolCall", {
  session_id, message_id, tool_call_id: ToolCallId, name: Schema.String, args: Schema.String, at
})
export const RecordToolResult = Schema.TaggedStruct("RecordToolResult", {
  session_id, message_id, tool_call_id: ToolCallId, output: Schema.String, truncated: Schema.Boolean,
  error: Schema.optional(Schema.String), at
})
export const CompleteMessage = Schema.TaggedStruct("CompleteMessage", {
  session_id, message_id, model: Schema.optional(Schema.String), finish_reason: Schema.String, usage: Schema.NullOr(Usage),
  ctx_used: Schema.NullOr(Schema.Number), ctx_max: Schema.NullOr(Schema.Number), timings: Schema.NullOr(Timings), at
})
export const FailMessage = Schema.TaggedStruct("FailMessage", { session_id, message_id, error: ErrorInfo, at })
export const CancelMessage = Schema.TaggedStruct("CancelMessage", { session_id, message_id, at })
export const ContinueMessage = Schema.TaggedStruct("ContinueMessage", { session_id, message_id, owner, at })
export const RequestCancel = Schema.TaggedStruct("RequestCancel", { session_id, message_id, at })
export const InterruptMessage = Schema.TaggedStruct("InterruptMessage", { session_id, message_id, reason: Schema.String, at })
export const DeleteMessagesFrom = Schema.TaggedStruct("DeleteMessagesFrom", { session_id, message_id, at })
export const RegenerateFrom = Schema.TaggedStruct("RegenerateFrom", {
  session_id, message_id, assistant_message_id: MessageId, model, owner, at
})
export const SelectAlternative = Schema.TaggedStruct("SelectAlternative", { session_id, message_id, index: Schema.Number, at })
export const EditUserMessage = Schema.TaggedStruct("EditUserMessage", {
  session_id, message_id, new_message_id: MessageId, assistant_message_id: MessageId, content: Schema.String, model, owner, at
})

export const SessionCommand = Schema.Union(
  CreateSession, ForkSession, RenameSession, ChangeSessionSettings, DeleteSession,
  PostUserMessage, StartAssistantMessage, AppendText, AppendReasoning, RequestToolCall, RecordToolResult,
  CompleteMessage, FailMessage, ContinueMessage, RequestCancel, CancelMessage, InterruptMessage, DeleteMessagesFrom, RegenerateFrom, EditUserMessage,
  SelectAlternative
)
export type SessionCommand = typeof SessionCommand.Type
export type SessionCommandOf<T extends SessionCommand["_tag"]> = Extract<SessionCommand, { readonly _tag: T }>
