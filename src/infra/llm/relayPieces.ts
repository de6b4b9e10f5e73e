import { Chunk, Effect, Option, Stream } from "effect"
import type { Piece, ReadNote } from "./completionReader.ts"
import type { LlmEvent } from "./LlmEvent.ts"
import { mergeDeltas } from "./mergeDeltas.ts"

const logNote = (note: ReadNote) =>
  note._tag === "Skipped"
    ? Effect.logWarning("LlmClient.streamChat: skipped an SSE frame that did not decode").pipe(
      Effect.annotateLogs({ data: note.data })
    )
    : Effect.logInfo("LlmClient.streamChat: llama-swap loaded the model").pipe(
      Effect.annotateLogs({ progress: note.progress })
    )

/**
 * The events of each piece, one stream chunk per pull. Stops (without pulling again) after a piece
 * that is done; after a piece that carries a failure, its events go out first and then the stream
 * fails, as they would have one by one.
 */
export const relayPieces = <E, R>(
  pieces: Stream.Stream<Piece, E, R>
): Stream.Stream<LlmEvent, E | NonNullable<Piece["failure"]>, R> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const pull = yield* Stream.toPull(pieces)
    let last: Option.Option<E | NonNullable<Piece["failure"]>> | null = null
    const next = Effect.suspend(() => {
      if (last !== null) return Effect.fail(last)
      return Effect.flatMap(pull, (chunk) => {
        const events: Array<LlmEvent> = []
        const notes: Array<ReadNote> = []
        for (const piece of chunk) {
          for (const event of piece.events) events.push(event)
          for (const note of piece.notes) notes.push(note)
          if (piece.failure !== null) last = Option.some(piece.failure)
          else if (piece.done) last = Option.none()
          if (last !== null) break
        }
        // a pull holds one read unless reads queued up: their pieces are joined the same way
        const out = Chunk.unsafeFromArray(chunk.length === 1 ? events : mergeDeltas(events))
        return notes.length === 0 ? Effect.succeed(out) : Effect.as(Effect.forEach(notes, logNote, { discard: true }), out)
      })
    })
    return Stream.repeatEffectChunkOption(next)
  }))
