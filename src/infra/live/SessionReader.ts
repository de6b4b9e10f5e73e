import { Effect, Either, Stream } from "effect"
import { type SessionId, streamIdOfSession } from "../../domain/index.ts"
import { EventStore } from "../eventstore/EventStore.ts"
import type { StoredEvent } from "../eventstore/model.ts"
import { Subscriptions } from "../eventstore/Subscriptions.ts"
import { SessionRepository } from "../repositories/SessionRepository.ts"
import { type InFlight, LiveHub } from "./LiveHub.ts"
import type { Outbox, Piece } from "./pieces.ts"

/** A socket's starting point, taken in the same step its outbox starts receiving pieces. */
export interface Joined {
  /** Every log event up to this version was handed out before the join; later ones come as pieces. */
  readonly version: number
  /** The message streaming now, as far as the hub has it; later deltas come as pieces. */
  readonly inFlight: InFlight | null
  readonly leave: () => void
}

export interface SessionReader {
  readonly join: (outbox: Outbox) => Joined
  /** Sockets joined now. */
  readonly sockets: () => number
}

/**
 * The one reader of a session in this process, for as long as its scope: one tail of the
 * session's log (decoded once) and one listener on the live hub, fanned out in memory to every
 * socket's outbox.
 */
export const makeSessionReader = (sessionId: SessionId) =>
  Effect.gen(function* () {
    const store = yield* EventStore
    const subscriptions = yield* Subscriptions
    const repo = yield* SessionRepository
    const hub = yield* LiveHub
    const streamId = streamIdOfSession(sessionId)
    const outboxes = new Set<Outbox>()
    const fanOut = (piece: Piece) => {
      for (const outbox of outboxes) outbox.push(piece)
    }

    let version = yield* store.streamVersion(streamId)
    yield* hub.listen(sessionId, (d) =>
      fanOut({ _tag: "Delta", message_id: d.message_id, kind: d.kind, offset: d.offset, text: d.text, version: undefined })
    )

    const relay = (stored: StoredEvent) =>
      Effect.map(Effect.either(repo.decodeStored(stored)), (decoded) => {
        version = stored.stream_version
        if (Either.isLeft(decoded)) return
        const event = decoded.right
        if (event._tag === "TextDelta" || event._tag === "ReasoningDelta")
          fanOut({
            _tag: "Delta", message_id: event.message_id, kind: event._tag === "TextDelta" ? "text" : "reasoning",
            offset: event.offset, text: event.text, version: stored.stream_version
          })
        else fanOut({ _tag: "Event", version: stored.stream_version, event })
      })
    yield* subscriptions.streamEvents(streamId, version).pipe(
      Stream.runForEach(relay),
      Effect.catchAllCause((cause) => Effect.logError("session reader stopped", cause)),
      Effect.forkScoped
    )

    const reader: SessionReader = {
      join: (outbox) => {
        outboxes.add(outbox)
        return { version, inFlight: hub.peek(sessionId), leave: () => void outboxes.delete(outbox) }
      },
      sockets: () => outboxes.size
    }
    return reader
  }).pipe(Effect.annotateLogs("session", sessionId))
