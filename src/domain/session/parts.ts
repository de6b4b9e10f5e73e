import type { MessagePart, MessageSnapshot } from "./message.ts"

/**
 * The order a message does not record (one copied by a fork before parts existed): reasoning,
 * then each tool call with its result, then the text, which is how such messages were shown.
 */
const assumedParts = (m: MessageSnapshot): Array<MessagePart> => {
  const parts: Array<MessagePart> = []
  if (m.reasoning !== "") parts.push({ type: "reasoning", start: 0, end: m.reasoning.length })
  for (const call of m.tool_calls) {
    parts.push({ type: "tool_call", tool_call_id: call.id })
    if (m.tool_results.some((r) => r.tool_call_id === call.id)) parts.push({ type: "tool_result", tool_call_id: call.id })
  }
  if (m.content !== "") parts.push({ type: "text", start: 0, end: m.content.length })
  return parts
}

const recorded = (m: MessageSnapshot) => m.parts.length > 0 || (m.content === "" && m.reasoning === "" && m.tool_calls.length === 0)

/** A message's parts in the order they happened. */
export const partsOf = (m: MessageSnapshot): ReadonlyArray<MessagePart> => (recorded(m) ? m.parts : assumedParts(m))

/** A part with its content: text and reasoning cut from the message, calls and results looked up. */
export type ExpandedPart =
  | { readonly type: "text" | "reasoning"; readonly text: string }
  | { readonly type: "tool_call"; readonly tool_call: MessageSnapshot["tool_calls"][number] }
  | { readonly type: "tool_result"; readonly tool_result: MessageSnapshot["tool_results"][number] }

/**
 * The parts with their content. `live` holds text the hub has that the log does not yet (a
 * streaming message): it extends the last part when that is a stretch of the same kind, else it
 * follows every other part.
 */
export const expandParts = (m: MessageSnapshot, live?: { readonly text: string; readonly reasoning: string }): Array<ExpandedPart> => {
  const out: Array<ExpandedPart> = []
  for (const p of partsOf(m)) {
    if (!("tool_call_id" in p)) {
      if (p.end > p.start) out.push({ type: p.type, text: (p.type === "text" ? m.content : m.reasoning).slice(p.start, p.end) })
    } else if (p.type === "tool_call") {
      const call = m.tool_calls.find((c) => c.id === p.tool_call_id)
      if (call !== undefined) out.push({ type: "tool_call", tool_call: call })
    } else {
      const result = m.tool_results.find((r) => r.tool_call_id === p.tool_call_id)
      if (result !== undefined) out.push({ type: "tool_result", tool_result: result })
    }
  }
  if (live === undefined) return out
  for (const kind of ["reasoning", "text"] as const) {
    const logged = kind === "text" ? m.content : m.reasoning
    const whole = kind === "text" ? live.text : live.reasoning
    if (whole.length <= logged.length) continue
    const extra = whole.slice(logged.length)
    const last = out[out.length - 1]
    if (last !== undefined && last.type === kind) out[out.length - 1] = { type: kind, text: last.text + extra }
    else out.push({ type: kind, text: extra })
  }
  return out
}
