import { Schema } from "effect"

const WireToolCall = Schema.Struct({
  id: Schema.String,
  type: Schema.Literal("function"),
  function: Schema.Struct({ name: Schema.String, arguments: Schema.String })
})

/** One message in the OpenAI Chat Completions shape. */
export const ChatMessage = Schema.Struct({
  role: Schema.Literal("system", "user", "assistant", "tool"),
  content: Schema.NullOr(Schema.String),
  tool_calls: Schema.optional(Schema.Array(WireToolCall)),
  tool_call_id: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String)
})
export type ChatMessage = typeof ChatMessage.Type

export interface ToolSpec {
  readonly name: string
  readonly description: string
  /** A JSON Schema object describing the arguments. */
  readonly parameters: object
}

export interface ChatRequest {
  /** null lets the server use its default model. */
  readonly model: string | null
  readonly messages: ReadonlyArray<ChatMessage>
  readonly tools: ReadonlyArray<ToolSpec>
  readonly maxTokens?: number
  /** Send no tools at all, even if some are listed (e.g. for a naming completion). */
  readonly noTools?: boolean
  /** More body fields, as the server knows them (a continuation's flags, sampling settings). */
  readonly extra?: Readonly<Record<string, unknown>>
}

/** The JSON body of POST /v1/chat/completions for a streamed request. */
export const chatCompletionBody = (req: ChatRequest): Record<string, unknown> => {
  const withTools = req.tools.length > 0 && req.noTools !== true
  return {
    ...(req.model !== null ? { model: req.model } : {}),
    messages: req.messages,
    stream: true,
    stream_options: { include_usage: true },
    ...req.extra,
    ...(req.maxTokens !== undefined ? { max_tokens: req.maxTokens } : {}),
    ...(withTools
      ? {
        tools: req.tools.map((t) => ({
          type: "function",
          function: { name: t.name, description: t.description, parameters: t.parameters }
        })),
        tool_choice: "auto"
      }
      : {})
  }
}
