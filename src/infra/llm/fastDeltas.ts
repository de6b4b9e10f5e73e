import type { LlmEvent } from "./LlmEvent.ts"
import { pushDeltas } from "./streamState.ts"

const isAbsent = (value: unknown): value is null | undefined => value === undefined || value === null

const isRecord = (value: unknown): value is object =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** What the careful decode accepts for `content`, `reasoning_content` and `reasoning`. */
const isDeltaText = (value: unknown): value is string | null | undefined => isAbsent(value) || typeof value === "string"

/**
 * The deltas of a plain text or reasoning chunk, read straight from its parsed JSON: almost every
 * frame of an answer. Null for any other shape (tool calls, a finish reason, usage, timings, a
 * `message`, a field of the wrong type...), which then goes through the careful Schema decode.
 *
 * Only for frames after llama-swap's loading block (StreamState.loading === "answer"): a chunk
 * accepted here leaves the stream state exactly as applyChunk would, so the state is not touched.
 * Every field the careful path reads is checked here against what its schema accepts.
 */
export const fastDeltas = (value: unknown, model: string | null = null): Array<LlmEvent> | null => {
  if (!isRecord(value)) return null
  // A model name not yet recorded goes the careful way, which records it (`model`: the one the state holds).
  if ("model" in value && typeof value.model === "string" && value.model !== "" && value.model !== model) return null
  if ("usage" in value && !isAbsent(value.usage)) return null
  if ("timings" in value && !isAbsent(value.timings)) return null
  if (!("choices" in value) || !Array.isArray(value.choices)) return null
  const choices: ReadonlyArray<unknown> = value.choices
  const events: Array<LlmEvent> = []
  for (const choice of choices) {
    if (!isRecord(choice)) return null
    if ("finish_reason" in choice && !isAbsent(choice.finish_reason)) return null
    if ("message" in choice && !isAbsent(choice.message)) return null
    const delta = "delta" in choice ? choice.delta : undefined
    if (isAbsent(delta)) continue
    if (!isRecord(delta)) return null
    if ("tool_calls" in delta && !isAbsent(delta.tool_calls)) return null
    const content = "content" in delta ? delta.content : undefined
    const reasoningContent = "reasoning_content" in delta ? delta.reasoning_content : undefined
    const reasoning = "reasoning" in delta ? delta.reasoning : undefined
    if (!isDeltaText(content) || !isDeltaText(reasoningContent) || !isDeltaText(reasoning)) return null
    pushDeltas(events, content, reasoningContent, reasoning)
  }
  return events
}
