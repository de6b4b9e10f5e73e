import { Data } from "effect"

export interface ToolCall {
  readonly id: string
  readonly name: string
  /** The raw JSON text of the arguments, as the model wrote it ("{}" when it wrote nothing). */
  readonly arguments: string
}

export interface Usage {
  readonly prompt_tokens: number
  readonly completion_tokens: number
  readonly total_tokens: number
}

/** What a streamed completion yields, in order: deltas, then ToolCalls (if any), then Finished. */
export type LlmEvent = Data.TaggedEnum<{
  TextDelta: { readonly text: string }
  ReasoningDelta: { readonly text: string }
  ToolCalls: { readonly calls: ReadonlyArray<ToolCall> }
  Finished: {
    readonly finish_reason: string
    readonly usage: Usage | null
    readonly timings: Readonly<Record<string, number>> | null
    /** The model the server says answered (its chunks' `model`), if it said. */
    readonly model: string | null
  }
}>

export const LlmEvent = Data.taggedEnum<LlmEvent>()
