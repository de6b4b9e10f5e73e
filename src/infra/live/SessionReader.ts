import { SqlClient } from "@effect/sql"
import { Effect, Either, Schema, Stream } from "effect"
import { isTerminalEvent, type SessionId, streamIdOfSession } from "../../domain/index.ts"
import type { StoredEvent } from "../eventstore/model.ts"
import { Subscriptions } from "../eventstore/Subscriptions.ts"
import { SessionRepository } from "../repositories/SessionRepository.ts"
import { type InFlight, LiveHub } from "./LiveHub.ts"
import { eventPiece } from "./eventPiece.ts"
import type { Outbox, Piece } from "./pieces.ts"

/** Live pieces held for one message whose start the log has not relayed yet, at most. */
const HOLD_LIMIT = 10_000

const OpeningPoint = Schema.Struct({ version: Schema.NumberFromString, open_message_id: Schema.NullOr(Schema.String) })

/**
 * The stream's version and the message open at that version, in one statement (the sessions row
 * is written in the transaction of the append that opens or closes a message).
 */
const openingPoint = (sessionId: SessionId, streamId: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql`SELECT st.version::text AS version, se.open_message_id::text AS open_message_id
      FROM streams st LEFT JOIN sessions se ON se.id = ${sessionId} WHERE st.stream_id = ${streamId}`.pipe(
      Effect.flatMap(Schema.decodeUnknown(Schema.Array(OpeningPoint))),
      Effect.orDie
    )
    const row = rows[0]
    return { version: row === undefined ? 0 : row.version, openMessageId: row?.open_message_id ?? null }
  })

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
    const subscriptions = yield* Subscriptions
    const repo = yield* SessionRepository
    const hub = yield* LiveHub
    const streamId = streamIdOfSession(sessionId)
    const outboxes = new Set<Outbox>()
    const fanOut = (piece: Piece) => {
      for (const outbox of outboxes) outbox.push(piece)
    }

    const opening = yield* openingPoint(sessionId, streamId)
    let version = opening.version
    // Live text of a message goes out only after its start: the turn publishes its first token as
    // soon as the model sends it, while the log tail may not have relayed the message's start yet,
    // and a client must never get text for a message it has not been told about. A message open
    // when the reader began started before any socket's starting point.
    // The same holds for the events the text follows (tool calls and results of earlier rounds):
    // a piece waits, in order, until the log tail has relayed the version it came after.
    const started = new Set<string>(opening.openMessageId === null ? [] : [opening.openMessageId])
    const held: Array<{ readonly piece: Piece; readonly after: number }> = []
    const ready = (h: (typeof held)[number]) =>
      started.has(h.piece._tag === "Delta" ? h.piece.message_id : "") && h.after <= version
    const drain = (force = false) => {
      while (held.length > 0 && (force || ready(held[0]))) fanOut(held.shift()!.piece)
    }
    yield* hub.listen(sessionId, (d) => {
      const piece: Piece = { _tag: "Delta", message_id: d.message_id, kind: d.kind, offset: d.offset, text: d.text, version: undefined }
      held.push({ piece, after: d.after ?? 0 })
      drain()
      // Events that never come (they cannot, the log has them first) must not hold text forever.
      if (held.length >= HOLD_LIMIT) drain(true)
    })

    const relay = (stored: StoredEvent) =>
      Effect.gen(function* () {
        const decoded = yield* Effect.either(repo.decodeStored(stored))
        const event = Either.isRight(decoded) ? decoded.right : undefined
        const piece = event === undefined || event._tag === "TextDelta" || event._tag === "ReasoningDelta"
          ? undefined
          : yield* eventPiece(repo, sessionId, event, stored.stream_version)
        version = stored.stream_version
        if (event === undefined) return drain()
        if (event._tag === "TextDelta" || event._tag === "ReasoningDelta")
          fanOut({
            _tag: "Delta", message_id: event.message_id, kind: event._tag === "TextDelta" ? "text" : "reasoning",
            offset: event.offset, text: event.text, version: stored.stream_version
          })
        else {
          if (piece !== undefined) fanOut(piece)
          if (event._tag === "AssistantMessageStarted") started.add(event.message_id)
          // Another instance's turn whose end notice was lost still ends here.
          if (isTerminalEvent(event)) hub.endRemote(sessionId, event.message_id)
        }
        drain()
      })
    yield* subscriptions.streamEvents(streamId, version).pipe(
      Stream.runForEach(relay),
      Effect.catchAllCause((cause) => Effect.logError("session reader stopped", cause)),
      Effect.forkScoped
    )

    const reader: SessionReader = {
      join: (outbox) => {
        outboxes.add(outbox)
        const inFlight = hub.peek(sessionId)
        // The text of a message whose start is still to come reaches this socket with the held pieces.
        return {
          version,
          inFlight: inFlight !== null && started.has(inFlight.message_id) ? inFlight : null,
          leave: () => void outboxes.delete(outbox)
        }
      },
      sockets: () => outboxes.size
    }
    return reader
  }).pipe(Effect.annotateLogs("session", sessionId))
