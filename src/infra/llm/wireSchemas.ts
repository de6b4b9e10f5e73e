import { Schema } from "effect"

/** Fields are optional and nullable everywhere: servers differ in what they send. */
const opt = <S extends Schema.Schema.Any>(s: S) => Schema.optional(Schema.NullOr(s))

export const ToolCallDelta = Schema.Struct({
  index: opt(Schema.Number),
  id: opt(Schema.String),
  function: opt(Schema.Struct({
    name: opt(Schema.String),
    /** A string fragment normally; some servers send a whole object. */
    arguments: opt(Schema.Unknown)
  }))
})
export type ToolCallDelta = typeof ToolCallDelta.Type

export const Delta = Schema.Struct({
  content: opt(Schema.String),
  reasoning_content: opt(Schema.String),
  reasoning: opt(Schema.String),
  tool_calls: opt(Schema.Array(ToolCallDelta))
})

export const Choice = Schema.Struct({
  /** Only its presence is read (see llamaSwapLoading.ts): any type is accepted. */
  index: opt(Schema.Unknown),
  delta: opt(Delta),
  /** Non-streamed answers (a JSON body on a 200) carry `message` instead of `delta`. */
  message: opt(Delta),
  finish_reason: opt(Schema.String)
})

export const Usage = Schema.Struct({
  prompt_tokens: Schema.Number,
  completion_tokens: Schema.Number,
  total_tokens: opt(Schema.Number)
})

export const ErrorObject = Schema.Struct({
  message: opt(Schema.String),
  type: opt(Schema.String),
  code: opt(Schema.Union(Schema.String, Schema.Number)),
  n_ctx: opt(Schema.Number),
  n_prompt_tokens: opt(Schema.Number)
})
export type ErrorObject = typeof ErrorObject.Type

/** `{"error": {...}}` or `{"error": "text"}`, as a body or as an SSE frame. */
export const ErrorEnvelope = Schema.Struct({
  error: Schema.Union(ErrorObject, Schema.String)
})
export type ErrorEnvelope = typeof ErrorEnvelope.Type

export const CompletionChunk = Schema.Struct({
  /** Only their presence is read (see llamaSwapLoading.ts): any type is accepted. */
  id: opt(Schema.Unknown),
  object: opt(Schema.Unknown),
  /** The model that answered, as the server names it (any type accepted; only a string is kept). */
  model: opt(Schema.Unknown),
  choices: opt(Schema.Array(Choice)),
  usage: opt(Usage),
  timings: opt(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
})
export type CompletionChunk = typeof CompletionChunk.Type

/** The careful decode of a parsed SSE frame (see fastDeltas.ts for the common shape's shortcut). */
export const decodeChunk = Schema.decodeUnknownEither(CompletionChunk)

export const ModelList = Schema.Struct({
  data: Schema.Array(Schema.Struct({
    id: Schema.String,
    owned_by: opt(Schema.String),
    context_length: opt(Schema.Number),
    max_model_len: opt(Schema.Number),
    meta: opt(Schema.Struct({ n_ctx_train: opt(Schema.Number), n_ctx: opt(Schema.Number) }))
  }))
})

export const Props = Schema.Struct({
  default_generation_settings: Schema.Struct({ n_ctx: Schema.Number })
})
