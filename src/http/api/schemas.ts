import { Schema } from "effect"
import { ErrorInfo, MessageRole, MessageStatus, ToolCall, ToolResult } from "../../domain/index.ts"
import { isStorable } from "../../domain/storableText.ts"

/** Request strings: what Postgres cannot store (NUL, unpaired surrogates) is refused; every other string round-trips. */
export const Text = Schema.String.pipe(
  Schema.filter(isStorable, {
    message: () => "holds a NUL character or an unpaired UTF-16 surrogate, which cannot be stored; remove it"
  })
)

/** A request body: these fields and no other (an unknown field is a 400 that names it). */
export const Strict = <Fields extends Schema.Struct.Fields>(identifier: string, fields: Fields) =>
  Schema.Struct(fields).annotations({ identifier, parseOptions: { onExcessProperty: "error" } })

/** A body field that may be left out (JSON has no undefined: present means a value of `schema`). */
export const Present = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })

/** Any JSON value (named: Effect writes unknown with an $id, which repeated in one document is a duplicate id to a validator). */
export const AnyJson = Schema.Unknown.annotations({ identifier: "AnyJson", description: "Any JSON value" })

/** A whole number that is never negative: versions, positions, counts. */
const Count = Schema.Int.pipe(Schema.nonNegative())

export const Project = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  path: Schema.String,
  created_at: Schema.String,
  updated_at: Schema.String
}).annotations({ identifier: "Project", description: "A folder the tools may read" })
export type Project = typeof Project.Type

export const Generation = Schema.Struct({
  temperature: Schema.NullOr(Schema.Number),
  top_p: Schema.NullOr(Schema.Number),
  max_tokens: Schema.NullOr(Schema.Int),
  extra: Schema.NullOr(Schema.Record({ key: Schema.String, value: AnyJson }))
}).annotations({ identifier: "Generation", description: "Sampling settings; null leaves each to the LLM server" })

export const ForkedFrom = Schema.Struct({ session_id: Schema.String, version: Count, message_id: Schema.String }).annotations({
  identifier: "ForkedFrom",
  description: "The session, log version and message this session was forked from"
})

export const Session = Schema.Struct({
  id: Schema.String,
  project_id: Schema.String,
  name: Schema.String,
  name_by: Schema.String,
  model: Schema.NullOr(Schema.String),
  system_prompt: Schema.String,
  generation: Generation,
  forked_from: Schema.NullOr(ForkedFrom),
  busy: Schema.Boolean,
  open_message_id: Schema.NullOr(Schema.String),
  created_at: Schema.String,
  updated_at: Schema.String,
  version: Count
}).annotations({ identifier: "Session" })
export type Session = typeof Session.Type

/** One step of a message, in the order it happened; `parts` is the message as it unfolded. */
export const MessagePartView = Schema.Union(
  Schema.Struct({ type: Schema.Literal("text", "reasoning"), text: Schema.String }).annotations({ identifier: "TextPart" }),
  Schema.Struct({ type: Schema.Literal("tool_call"), tool_call_id: Schema.String, name: Schema.String, args: Schema.String })
    .annotations({ identifier: "ToolCallPart" }),
  Schema.Struct({
    type: Schema.Literal("tool_result"), tool_call_id: Schema.String, output: Schema.String, truncated: Schema.Boolean,
    error: Schema.NullOr(Schema.String)
  }).annotations({ identifier: "ToolResultPart" })
).annotations({ identifier: "MessagePart" })
export type MessagePartView = typeof MessagePartView.Type

export const Alternatives = Schema.Struct({ index: Count, count: Count }).annotations({
  identifier: "Alternatives",
  description: "Which of the answers after a message is shown (index from 0) and how many there are"
})

export const Message = Schema.Struct({
  id: Schema.String,
  session_id: Schema.String,
  role: MessageRole,
  content: Schema.String,
  reasoning: Schema.String,
  tool_calls: Schema.Array(ToolCall.annotations({ identifier: "ToolCall" })),
  tool_results: Schema.Array(ToolResult.annotations({ identifier: "ToolResult" })),
  status: MessageStatus,
  /** Why the model stopped ("stop", "length", "tool_calls"…); null until it has. */
  finish_reason: Schema.NullOr(Schema.String),
  error: Schema.NullOr(ErrorInfo.annotations({ identifier: "MessageError" })),
  tokens_used: Schema.NullOr(Count),
  ctx_used: Schema.NullOr(Count),
  ctx_max: Schema.NullOr(Count),
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
  alternatives: Schema.NullOr(Alternatives)
}).annotations({ identifier: "Message" })
export type Message = typeof Message.Type

export const SessionDetail = Schema.Struct({ session: Session, messages: Schema.Array(Message), version: Count }).annotations({
  identifier: "SessionDetail",
  description: "A session with its shown messages, at log `version`"
})
export type SessionDetail = typeof SessionDetail.Type

export const Posted = Schema.Struct({
  user_message_id: Schema.String,
  assistant_message_id: Schema.String,
  version: Count
}).annotations({ identifier: "Posted", description: "The message was stored and its answer started" })

export const Started = Schema.Struct({ assistant_message_id: Schema.String, version: Count }).annotations({
  identifier: "Started",
  description: "An answer started"
})
export const Versioned = Schema.Struct({ version: Count }).annotations({ identifier: "Versioned" })
export const Cancelled = Schema.Struct({ cancelled: Schema.Boolean }).annotations({
  identifier: "Cancelled",
  description: "Whether an answer was streaming and is now cancelled"
})

export const LoggedEvent = Schema.Struct({
  version: Count,
  global_position: Count,
  type: Schema.String,
  data: AnyJson,
  recorded_at: Schema.String
}).annotations({ identifier: "LoggedEvent", description: "One event of a session's log" })
export type LoggedEvent = typeof LoggedEvent.Type

/** GET /api/sessions/{id}/state: the same shape as the session now. */
export const SessionAt = SessionDetail

/** A matched range of a snippet: `start` inclusive, `end` exclusive, in UTF-16 code units (JavaScript string indices). */
export const Highlight = Schema.Struct({ start: Count, end: Count }).annotations({
  identifier: "Highlight",
  description: "A matched range of the snippet: start inclusive, end exclusive, in UTF-16 code units"
})
export type Highlight = typeof Highlight.Type

export const SearchHit = Schema.Struct({
  session_id: Schema.String,
  project_id: Schema.String,
  session_name: Schema.String,
  message_id: Schema.NullOr(Schema.String),
  snippet: Schema.String.annotations({ description: "Plain text around the matches (never HTML)" }),
  highlights: Schema.Array(Highlight).annotations({ description: "Where the matches are in `snippet`, in order" }),
  rank: Schema.Number
}).annotations({ identifier: "SearchHit", description: "A session title or message that matches the query" })
export type SearchHit = typeof SearchHit.Type

export const Model = Schema.Struct({ id: Schema.String, ctx_max: Schema.NullOr(Count) }).annotations({
  identifier: "Model",
  description: "A model the LLM server offers, with its context size where known"
})
