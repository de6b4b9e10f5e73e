import type { CompletionChunk } from "./wireSchemas.ts"

/**
 * llama-swap with `sendLoadingState` streams its model-loading progress before the real answer
 * as bare chunks, `{"choices":[{"delta":{"reasoning_content":"..."}}]}`: no id, no object, no
 * index, no finish_reason, and the first one opens with its "━━━━━" banner. The servers behind
 * it always send an id and an object, so the block ends at the first chunk that is not bare.
 */
export type LoadingPhase = "start" | "loading" | "answer"

const BANNER = "━━━━━"

/** The progress text of a bare reasoning-only chunk, or null for any other chunk. */
const bareReasoning = (chunk: CompletionChunk): string | null => {
  if (chunk.id != null || chunk.object != null || chunk.usage != null || chunk.timings != null) return null
  const choices = chunk.choices ?? []
  if (choices.length !== 1) return null
  const { delta, finish_reason, index, message } = choices[0]
  if (index != null || finish_reason != null || message != null || delta == null) return null
  if (delta.content != null || delta.tool_calls != null || delta.reasoning != null) return null
  return delta.reasoning_content ?? null
}

/** The phase after `chunk`, and the progress text when the chunk belongs to llama-swap. */
export const nextLoadingPhase = (
  phase: LoadingPhase,
  chunk: CompletionChunk
): { readonly phase: LoadingPhase; readonly progress: string | null } => {
  if (phase === "answer") return { phase, progress: null }
  const progress = bareReasoning(chunk)
  if (progress === null || (phase === "start" && !progress.startsWith(BANNER))) return { phase: "answer", progress: null }
  return { phase: "loading", progress }
}
