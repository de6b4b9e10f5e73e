import { Schema } from "effect"
import { MessageId, ToolCallId } from "../ids.ts"

export const Usage = Schema.Struct({
  prompt_tokens: Schema.Number,
  completion_tokens: Schema.Number,
  total_tokens: Schema.Number
})
export type Usage = typeof Usage.Type

export const ErrorInfo = Schema.Struct({ code: Schema.String, message: Schema.String })
export type ErrorInfo = typeof ErrorInfo.Type

/**
 * A session's sampling settings, sent with every request (null: the server's default). `extra`
 * holds more fields as the server names them (top_k, min_p, repeat_penalty...).
 */
export const GenerationSettings = Schema.Struct({
  temperature: Schema.NullOr(Schema.Number),
  top_p: Schema.NullOr(Schema.Number),
  max_tokens: Schema.NullOr(Schema.Number),
  extra: Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
})
export type GenerationSettings = typeof GenerationSettings.Type
export const defaultGeneration: GenerationSettings = { temperature: null, top_p: null, max_tokens: null, extra: null }

export const Timings = Schema.Record({ key: Schema.String, value: Schema.Number })
export type Timings = typeof Timings.Type

export const ToolCall = Schema.Struct({ id: ToolCallId, name: Schema.String, args: Schema.String })
export type ToolCall = typeof ToolCall.Type

export const ToolResult = Schema.Struct({
  tool_call_id: ToolCallId,
  output: Schema.String,
  truncated: Schema.Boolean,
  error: Schema.NullOr(Schema.String)
})
export type ToolResult = typeof ToolResult.Type

export const MessageRole = Schema.Literal("user", "assistant")
export type MessageRole = typeof MessageRole.Type

export const MessageStatus = Schema.Literal("streaming", "complete", "failed", "cancelled", "interrupted")
export type MessageStatus = typeof MessageStatus.Type

/**
 * One step of a message, in the order it happened: a stretch of its reasoning or text (UTF-16
 * offsets into `reasoning` / `content`, so no text is held twice), a tool call, a tool result.
 */
export const MessagePart = Schema.Union(
  Schema.Struct({ type: Schema.Literal("reasoning", "text"), start: Schema.Number, end: Schema.Number }),
  Schema.Struct({ type: Schema.Literal("tool_call", "tool_result"), tool_call_id: ToolCallId })
)
export type MessagePart = typeof MessagePart.Type

/** A message as the session state (and read models) hold it, text already assembled. */
export const MessageSnapshot = Schema.Struct({
  id: MessageId,
  role: MessageRole,
  content: Schema.String,
  reasoning: Schema.String,
  tool_calls: Schema.Array(ToolCall),
  tool_results: Schema.Array(ToolResult),
  status: MessageStatus,
  error: Schema.NullOr(ErrorInfo),
  finish_reason: Schema.NullOr(Schema.String),
  usage: Schema.NullOr(Usage),
  ctx_used: Schema.NullOr(Schema.Number),
  ctx_max: Schema.NullOr(Schema.Number),
  timings: Schema.NullOr(Timings),
  model: Schema.NullOr(Schema.String),
  started_at: Schema.String,
  finished_at: Schema.NullOr(Schema.String),
  /** Messages copied by forks before parts existed have none stored: see `partsOf`. */
  parts: Schema.optionalWith(Schema.Array(MessagePart), { default: () => [] })
})
export type MessageSnapshot = typeof MessageSnapshot.Type
export type MessageSnapshotEncoded = typeof MessageSnapshot.Encoded
