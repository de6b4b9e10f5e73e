import { Channel, Chunk, Effect, Stream } from "effect"
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

type Failure = NonNullable<Piece["failure"]>

/**
 * The events of each piece, one stream chunk per read. Stops (without reading again) after a piece
 * that is done; after a piece that carries a failure, its events go out first and then the stream
 * fails, as they would have one by one. A channel, not a pull loop: it costs next to nothing per read.
 */
export const relayPieces = <E, R>(pieces: Stream.Stream<Piece, E, R>): Stream.Stream<LlmEvent, E | Failure, R> => {
  const relay: Channel.Channel<Chunk.Chunk<LlmEvent>, Chunk.Chunk<Piece>, E | Failure, E, unknown, unknown> = Channel.readWith({
    onInput: (chunk: Chunk.Chunk<Piece>) => {
      const events: Array<LlmEvent> = []
      const notes: Array<ReadNote> = []
      let failure: Failure | null = null
      let done = false
      for (const piece of chunk) {
        for (const event of piece.events) events.push(event)
        for (const note of piece.notes) notes.push(note)
        failure = piece.failure
        done = piece.done
        if (failure !== null || done) break
      }
      // a chunk holds one read unless reads queued up: their pieces are joined the same way
      const merged = chunk.length === 1 ? events : mergeDeltas(events)
      const logged = notes.length === 0 ? Channel.void : Channel.fromEffect(Effect.forEach(notes, logNote, { discard: true }))
      const out = merged.length === 0 ? logged : Channel.zipRight(logged, Channel.write(Chunk.unsafeFromArray(merged)))
      if (failure !== null) return Channel.zipRight(out, Channel.fail(failure))
      return done ? out : Channel.zipRight(out, relay)
    },
    onFailure: (error: E) => Channel.fail(error),
    onDone: () => Channel.void
  })
  return Stream.pipeThroughChannel(pieces, relay)
}
