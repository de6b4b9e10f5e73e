import { Schema } from "effect"
import { ErrorInfo, MessageRole, MessageStatus, ToolCall, ToolResult } from "../../domain/index.ts"
import { isStorable } from "../../domain/storableText.ts"

/** Request strings: what Postgres cannot store (NUL, unpaired surrogates) is refused; every other string round-trips. */
export const Text = Schema.String.pipe(
  Schema.filter(isStorable, {
    message: () => "holds a NUL character or an unpaired UTF-16 surrogate, which cannot be stored; remove it"
  })
)

export const Project = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  path: Schema.String,
  created_at: Schema.String,
  updated_at: Schema.String
})
export type Project = typeof Project.Type

export const Session = Schema.Struct({
  id: Schema.String,
  project_id: Schema.String,
  name: Schema.String,
  name_by: Schema.String,
  model: Schema.NullOr(Schema.String),
  system_prompt: Schema.String,
  generation: Schema.Struct({
    temperature: Schema.NullOr(Schema.Number),
    top_p: Schema.NullOr(Schema.Number),
    max_tokens: Schema.NullOr(Schema.Number),
    extra: Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
  }),
  forked_from: Schema.NullOr(Schema.Struct({ session_id: Schema.String, version: Schema.Number, message_id: Schema.String })),
  busy: Schema.Boolean,
  open_message_id: Schema.NullOr(Schema.String),
  created_at: Schema.String,
  updated_at: Schema.String,
  version: Schema.Number
})
export type Session = typeof Session.Type

/** One step of a message, in the order it happened; `parts` is the message as it unfolded. */
export const MessagePartView = Schema.Union(
  Schema.Struct({ type: Schema.Literal("text", "reasoning"), text: Schema.String }),
  Schema.Struct({ type: Schema.Literal("tool_call"), tool_call_id: Schema.String, name: Schema.String, args: Schema.String }),
  Schema.Struct({
    type: Schema.Literal("tool_result"), tool_call_id: Schema.String, output: Schema.String, truncated: Schema.Boolean,
    error: Schema.NullOr(Schema.String)
  })
)
export type MessagePartView = typeof MessagePartView.Type

export const Message = Schema.Struct({
  id: Schema.String,
  session_id: Schema.String,
  role: MessageRole,
  content: Schema.String,
  reasoning: Schema.String,
  tool_calls: Schema.Array(ToolCall),
  tool_results: Schema.Array(ToolResult),
  status: MessageStatus,
  /** Why the model stopped ("stop", "length", "tool_calls"…); null until it has. */
  finish_reason: Schema.NullOr(Schema.String),
  error: Schema.NullOr(ErrorInfo),
  tokens_used: Schema.NullOr(Schema.Number),
  ctx_used: Schema.NullOr(Schema.Number),
  ctx_max: Schema.NullOr(Schema.Number),
  tok_per_s: Schema.NullOr(Schema.Number),
  started_at: Schema.String,
  finished_at: Schema.NullOr(Schema.String),
  model: Schema.NullOr(Schema.String),
  /** The message in the order it happened; content, reasoning, tool_calls and tool_results are views of it. */
  parts: Schema.Array(MessagePartView),
  /**
   * Set on an answer that was regenerated: which of the answers to the message before it is shown
   * (index from 0) and how many there are. Select another with POST …/messages/{id}/select.
   */
  alternatives: Schema.NullOr(Schema.Struct({ index: Schema.Number, count: Schema.Number }))
})
export type Message = typeof Message.Type

export const SessionDetail = Schema.Struct({ session: Session, messages: Schema.Array(Message), version: Schema.Number })
export type SessionDetail = typeof SessionDetail.Type

export const Posted = Schema.Struct({
  user_message_id: Schema.String,
  assistant_message_id: Schema.String,
  version: Schema.Number
})

export const Started = Schema.Struct({ assistant_message_id: Schema.String, version: Schema.Number })
export const Versioned = Schema.Struct({ version: Schema.Number })
export const Cancelled = Schema.Struct({ cancelled: Schema.Boolean })

export const LoggedEvent = Schema.Struct({
  version: Schema.Number,
  global_position: Schema.Number,
  type: Schema.String,
  data: Schema.Unknown,
  recorded_at: Schema.String
})
export type LoggedEvent = typeof LoggedEvent.Type

export const SessionAt = Schema.Struct({ session: Session, messages: Schema.Array(Message), version: Schema.Number })

export const SearchHit = Schema.Struct({
  session_id: Schema.String,
  project_id: Schema.String,
  session_name: Schema.String,
  message_id: Schema.NullOr(Schema.String),
  snippet: Schema.String,
  rank: Schema.Number
})
export type SearchHit = typeof SearchHit.Type

export const Model = Schema.Struct({ id: Schema.String, ctx_max: Schema.NullOr(Schema.Number) })
