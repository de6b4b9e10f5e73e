import { Either } from "effect"
import { type BodyEvent, makeBodyReader } from "./bodyEvents.ts"
import { errorEvent, errorOfValue, streamError } from "./classifyError.ts"
import { fastDeltas } from "./fastDeltas.ts"
import { type LlmContextOverflow, LlmStreamError } from "./LlmError.ts"
import type { LlmEvent } from "./LlmEvent.ts"
import { mergeDeltas } from "./mergeDeltas.ts"
import { applyChunk, finishStream, initialStreamState, type StreamState } from "./streamState.ts"
import { decodeChunk } from "./wireSchemas.ts"

/** Something worth a log line, found while reading. */
export type ReadNote =
  | { readonly _tag: "Skipped"; readonly data: string }
  | { readonly _tag: "Loaded"; readonly progress: string }

/** What one network read of the body completed. */
export interface Piece {
  /** In order, neighbouring deltas of one kind joined (mergeDeltas.ts). */
  readonly events: ReadonlyArray<LlmEvent>
  /** `[DONE]` or a whole JSON body was read: whatever follows is not read. */
  readonly done: boolean
  /** The stream failed after `events`. */
  readonly failure: LlmStreamError | LlmContextOverflow | null
  readonly notes: ReadonlyArray<ReadNote>
}

export interface CompletionReader {
  /** One read's bytes; null when they completed no body event (blank bytes, comments, part of an event). */
  readonly read: (bytes: Uint8Array) => Piece | null
  /** The body ended; null when nothing was pending. */
  readonly end: () => Piece | null
  /** The closing events (ToolCalls, Finished) once reading stopped; Left when the answer was cut short. */
  readonly closing: () => Either.Either<ReadonlyArray<LlmEvent>, LlmStreamError>
}

const NO_NOTES: ReadonlyArray<ReadNote> = []

const isDone = (event: BodyEvent) => event._tag === "Sse" && event.data.trim() === "[DONE]"

/**
 * Turns a completion body into LlmEvents, one read at a time and synchronously: text decoding,
 * SSE framing, chunk decoding (fast path first), the stream state and the merge of what one read
 * brought. All per-read work happens here, so the stream around it costs per read, not per token.
 */
export const makeCompletionReader = (): CompletionReader => {
  const text = new TextDecoder()
  const body = makeBodyReader()
  let state: StreamState = initialStreamState

  /** One completion chunk (JSON text): its deltas go to `out`; an error envelope is returned. */
  const chunk = (data: string, out: Array<LlmEvent>, notes: Array<ReadNote>) => {
    let value: unknown
    try {
      value = JSON.parse(data)
    } catch {
      notes.push({ _tag: "Skipped", data: data.slice(0, 200) })
      return null
    }
    // Only a frame with an `error` key can be an error envelope: no envelope decode per token.
    const error = data.includes('"error"') ? errorOfValue(value) : null
    if (error !== null) return streamError(error, data)
    const fast = state.loading === "answer" ? fastDeltas(value, state.model) : null
    if (fast !== null) {
      for (const event of fast) out.push(event)
      return null
    }
    const decoded = decodeChunk(value)
    if (Either.isLeft(decoded)) {
      notes.push({ _tag: "Skipped", data: data.slice(0, 200) })
      return null
    }
    const wasLoading = state.loading === "loading"
    const [next, events] = applyChunk(state, decoded.right)
    state = next
    for (const event of events) out.push(event)
    if (wasLoading && state.loading === "answer") notes.push({ _tag: "Loaded", progress: state.loadingNote })
    return null
  }

  const event = (e: BodyEvent, out: Array<LlmEvent>, notes: Array<ReadNote>) => {
    if (e._tag === "Json") {
      state = { ...state, done: true }
      return chunk(e.body, out, notes)
    }
    if (e.event === "error") return errorEvent(e.data)
    const data = e.data.trim()
    if (data === "[DONE]") {
      state = { ...state, done: true }
      return null
    }
    return data === "" ? null : chunk(data, out, notes)
  }

  const piece = (events: ReadonlyArray<BodyEvent>): Piece => {
    const out: Array<LlmEvent> = []
    const notes: Array<ReadNote> = []
    let failure: Piece["failure"] = null
    let done = false
    for (const e of events) {
      failure = event(e, out, notes)
      done = e._tag === "Json" || isDone(e)
      if (failure !== null || done) break
    }
    return { events: mergeDeltas(out), done, failure, notes: notes.length === 0 ? NO_NOTES : notes }
  }

  return {
    read: (bytes) => {
      const events = body.feed(text.decode(bytes, { stream: true }))
      if (events instanceof LlmStreamError) return { events: [], done: false, failure: events, notes: NO_NOTES }
      return events.length === 0 ? null : piece(events)
    },
    end: () => {
      const events = body.end()
      return events.length === 0 ? null : piece(events)
    },
    closing: () => Either.mapLeft(finishStream(state), (message) => new LlmStreamError({ message }))
  }
}
