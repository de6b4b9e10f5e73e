import { LlmEvent } from "./LlmEvent.ts"

type Delta = Extract<LlmEvent, { readonly _tag: "TextDelta" | "ReasoningDelta" }>

const isDelta = (event: LlmEvent): event is Delta => event._tag === "TextDelta" || event._tag === "ReasoningDelta"

const joined = (run: ReadonlyArray<Delta>): Delta => {
  if (run.length === 1) return run[0]
  const text = run.map((d) => d.text).join("")
  return run[0]._tag === "TextDelta" ? LlmEvent.TextDelta({ text }) : LlmEvent.ReasoningDelta({ text })
}

/**
 * Joins neighbouring deltas of the same kind into one: what one upstream read brings is relayed
 * as one piece. Nothing is reordered; text and reasoning only join within their own kind, never
 * across each other, a tool call or a finish event.
 */
export const mergeDeltas = (events: ReadonlyArray<LlmEvent>): ReadonlyArray<LlmEvent> => {
  if (events.length < 2) return events
  const out: Array<LlmEvent> = []
  let run: Array<Delta> = []
  for (const event of events) {
    if (run.length > 0 && (!isDelta(event) || event._tag !== run[0]._tag)) {
      out.push(joined(run))
      run = []
    }
    if (isDelta(event)) run.push(event)
    else out.push(event)
  }
  if (run.length > 0) out.push(joined(run))
  return out
}
