import { Either } from "effect"
import { LlmEvent, type Usage } from "./LlmEvent.ts"
import { type LoadingPhase, nextLoadingPhase } from "./llamaSwapLoading.ts"
import { addToolCallDelta, emptyToolCalls, finishToolCalls, type ToolCallAccumulator } from "./toolCallAccumulator.ts"
import type { CompletionChunk } from "./wireSchemas.ts"

/** What a completion has told us so far, beyond the deltas already emitted. */
export interface StreamState {
  readonly toolCalls: ToolCallAccumulator
  readonly finishReason: string | null
  readonly usage: Usage | null
  readonly timings: Readonly<Record<string, number>> | null
  readonly model: string | null
  readonly done: boolean
  readonly loading: LoadingPhase
  /** llama-swap's loading progress (kept out of the answer), bounded, for the log. */
  readonly loadingNote: string
}

export const initialStreamState: StreamState = {
  toolCalls: emptyToolCalls,
  finishReason: null,
  usage: null,
  timings: null,
  model: null,
  done: false,
  loading: "start",
  loadingNote: ""
}

const MAX_NOTE = 300

const numbersOnly = (record: Readonly<Record<string, unknown>>): Record<string, number> =>
  Object.fromEntries(
    Object.entries(record).flatMap(([k, v]) => (typeof v === "number" && Number.isFinite(v) ? [[k, v]] : []))
  )

type DeltaText = string | null | undefined

/**
 * The events of one choice's delta, reasoning before text; empty fields yield nothing.
 * Shared by the careful decode and the fast path (fastDeltas.ts) so both read a delta alike.
 */
export const pushDeltas = (
  events: Array<LlmEvent>,
  content: DeltaText,
  reasoningContent: DeltaText,
  reasoning: DeltaText
): void => {
  const thinking = reasoningContent ?? reasoning
  if (thinking) events.push(LlmEvent.ReasoningDelta({ text: thinking }))
  if (content) events.push(LlmEvent.TextDelta({ text: content }))
}

/** Folds one decoded chunk into the state and returns the deltas it carries (none for llama-swap's loading progress). */
export const applyChunk = (
  state: StreamState,
  chunk: CompletionChunk
): readonly [StreamState, ReadonlyArray<LlmEvent>] => {
  const loading = nextLoadingPhase(state.loading, chunk)
  if (loading.progress !== null) {
    const loadingNote = (state.loadingNote + loading.progress).slice(0, MAX_NOTE)
    return [{ ...state, loading: loading.phase, loadingNote }, []]
  }
  const events: Array<LlmEvent> = []
  let { finishReason, toolCalls } = state
  for (const choice of chunk.choices ?? []) {
    const delta = choice.delta ?? choice.message
    pushDeltas(events, delta?.content, delta?.reasoning_content, delta?.reasoning)
    for (const call of delta?.tool_calls ?? []) toolCalls = addToolCallDelta(toolCalls, call)
    if (choice.finish_reason) finishReason = choice.finish_reason
  }
  const usage: Usage | null = chunk.usage
    ? {
      prompt_tokens: chunk.usage.prompt_tokens,
      completion_tokens: chunk.usage.completion_tokens,
      total_tokens: chunk.usage.total_tokens ?? chunk.usage.prompt_tokens + chunk.usage.completion_tokens
    }
    : state.usage
  const timings = chunk.timings ? numbersOnly(chunk.timings) : state.timings
  const model = typeof chunk.model === "string" && chunk.model !== "" ? chunk.model : state.model
  return [{ ...state, toolCalls, finishReason, usage, timings, model, loading: loading.phase }, events]
}

/**
 * The closing events once the body has ended: ToolCalls (if any), then Finished.
 * Left when the stream ended with neither `[DONE]` nor a finish reason (cut short).
 */
export const finishStream = (state: StreamState): Either.Either<ReadonlyArray<LlmEvent>, string> => {
  if (!state.done && state.finishReason === null) {
    return Either.left("the LLM server closed the stream before the answer was finished")
  }
  const calls = finishToolCalls(state.toolCalls)
  const finished = LlmEvent.Finished({
    finish_reason: state.finishReason ?? (calls.length > 0 ? "tool_calls" : "stop"),
    usage: state.usage,
    timings: state.timings,
    model: state.model
  })
  return Either.right(calls.length > 0 ? [LlmEvent.ToolCalls({ calls }), finished] : [finished])
}
