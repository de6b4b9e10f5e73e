import type { HttpServerRequest } from "@effect/platform"
import { Effect, Option, Schema } from "effect"
import { MessageId, SessionId, streamIdOfSession } from "../../domain/index.ts"
import { EventStore } from "../../infra/eventstore/EventStore.ts"
import type { StoredEvent } from "../../infra/eventstore/model.ts"
import type { InFlight } from "../../infra/live/LiveHub.ts"
import { persistedEnd } from "../../infra/live/persistedEnd.ts"
import { eventPiece } from "../../infra/live/eventPiece.ts"
import type { Piece } from "../../infra/live/pieces.ts"
import type { SessionReaders } from "../../infra/live/SessionReaders.ts"
import { SessionRepository } from "../../infra/repositories/SessionRepository.ts"
import type { CaughtUpFrame } from "../../contract/sessionFrames.ts"
import { Count } from "../api/params.ts"
import type { Connection } from "./Connection.ts"
import { makeDeltaCursor } from "./DeltaCursor.ts"
import { type ClientView, renderPieces } from "./renderPieces.ts"
import { snapshotFrame } from "./snapshotFrame.ts"

export const ResumeParams = Schema.Struct({
  after: Schema.optionalWith(Count, { default: () => 0 }),
  offset: Schema.optional(Count),
  reasoning_offset: Schema.optional(Count),
  message_id: Schema.optional(MessageId)
})
export type ResumeParams = typeof ResumeParams.Type

export const decodeResumeParams = (request: HttpServerRequest.HttpServerRequest) =>
  Schema.decodeUnknownEither(ResumeParams)(Object.fromEntries(new URL(request.url, "http://x").searchParams))

export interface SessionSocketConfig {
  /** A client further behind than this many events (or new to a longer session) gets a snapshot frame. */
  readonly snapshotAfter: number
}

/** Pieces a socket may hold unsent before it is cut off (it resumes on reconnect). */
const PENDING_LIMIT = 10_000
const PAGE = 500

const inFlightPieces = (f: InFlight): ReadonlyArray<Piece> => [
  { _tag: "Delta", message_id: f.message_id, kind: "reasoning", offset: 0, text: f.reasoning, version: undefined },
  { _tag: "Delta", message_id: f.message_id, kind: "text", offset: 0, text: f.text, version: undefined }
]

/**
 * One session's stream for one socket. The socket joins the session's reader (its pieces start
 * arriving in the outbox), then sends what the client missed: the log after `after` up to the
 * join (or one snapshot frame when that is long), the in-flight text, `caught_up`; then a single
 * writer drains the outbox, every pending piece of a message in one frame, at once when idle.
 * Nothing is folded unless a snapshot is due.
 */
export const streamSession = (
  readers: typeof SessionReaders.Service,
  conn: Connection,
  sessionId: SessionId,
  params: ResumeParams,
  config: SessionSocketConfig
) =>
  Effect.gen(function* () {
    const store = yield* EventStore
    const repo = yield* SessionRepository
    const streamId = streamIdOfSession(sessionId)
    const reader = yield* readers.acquire(sessionId)

    let pending: Array<Piece> = []
    let overflowed = false
    /** Set once the socket is live: schedules the writer (while catching up, pieces wait in `pending`). */
    let wake: () => void = () => {}
    const joined = yield* Effect.sync(() =>
      reader.join({
        push: (piece) => {
          if (pending.length >= PENDING_LIMIT) overflowed = true
          else pending.push(piece)
          wake()
        }
      })
    )
    yield* Effect.addFinalizer(() => Effect.sync(joined.leave))

    const view: ClientView = { version: params.after, cursor: makeDeltaCursor() }
    if (params.message_id !== undefined) {
      if (params.offset !== undefined) view.cursor.start(params.message_id, "text", params.offset)
      if (params.reasoning_offset !== undefined) view.cursor.start(params.message_id, "reasoning", params.reasoning_offset)
    }

    /** Sends rendered frames, paced by what the client reads (backlog) or cut off past the limit (live). */
    const send = (pieces: ReadonlyArray<Piece>, paced: boolean) =>
      Effect.gen(function* () {
        const frames = renderPieces(view, pieces)
        if (frames === "gap") {
          yield* conn.close(1011, "resync: reconnect with your last version and offset")
          return false
        }
        for (const json of frames) if (!(paced ? yield* conn.sendPaced(json) : conn.sendText(json))) return false
        return true
      })

    const toPiece = (stored: StoredEvent) =>
      Effect.flatMap(Effect.option(repo.decodeStored(stored)), (decoded): Effect.Effect<Piece | undefined> => {
        if (Option.isNone(decoded)) return Effect.succeed(undefined)
        const event = decoded.value
        if (event._tag === "TextDelta" || event._tag === "ReasoningDelta")
          return Effect.succeed({
            _tag: "Delta", message_id: event.message_id, kind: event._tag === "TextDelta" ? "text" : "reasoning",
            offset: event.offset, text: event.text, version: stored.stream_version
          })
        return eventPiece(repo, sessionId, event, stored.stream_version)
      })

    if (joined.version - view.version > config.snapshotAfter) {
      const { state, version } = yield* repo.load(sessionId)
      const snapshot = snapshotFrame(sessionId, state, version, joined.inFlight)
      if (!(yield* conn.sendPaced(JSON.stringify(snapshot.frame)))) return
      view.version = version
      for (const m of snapshot.messages) if (m.status === "streaming" || m.id === joined.inFlight?.message_id) {
        view.cursor.start(m.id, "text", m.content.length)
        view.cursor.start(m.id, "reasoning", m.reasoning.length)
      }
    } else {
      while (view.version < joined.version) {
        const from = view.version
        const page = yield* store.readStream(streamId, { after: from, upTo: Math.min(joined.version, from + PAGE) })
        const pieces = (yield* Effect.forEach(page, toPiece)).filter((p) => p !== undefined)
        if (!(yield* send(pieces, true))) return
        // Undecodable events are skipped, not asked for again.
        view.version = Math.max(view.version, page[page.length - 1]?.stream_version ?? joined.version)
      }
    }

    const inFlight = joined.inFlight
    if (inFlight !== null) {
      // A client resuming this message without saying how much it has: what was persisted at its version.
      for (const kind of ["text", "reasoning"] as const)
        if (!view.cursor.has(inFlight.message_id, kind)) {
          const live = kind === "text" ? inFlight.text : inFlight.reasoning
          const start = params.after === 0 || live === "" ? 0 : yield* persistedEnd(streamId, inFlight.message_id, kind, view.version)
          view.cursor.start(inFlight.message_id, kind, start)
        }
      if (!(yield* send(inFlightPieces(inFlight), true))) return
    }
    const caughtUp: typeof CaughtUpFrame.Encoded = { type: "caught_up", version: view.version }
    if (!(yield* conn.sendPaced(JSON.stringify(caughtUp)))) return

    yield* liveWriter(conn, view, {
      take: () => {
        const batch = pending
        pending = []
        return batch
      },
      overflowed: () => overflowed,
      setWake: (f) => {
        wake = f
      }
    })
  }).pipe(Effect.scoped)

/**
 * The live socket's single writer, outside any fiber: a piece schedules one drain for the next
 * turn of the event loop (setImmediate: no timer delay, so the first piece after silence goes out
 * at once), and the drain sends everything pending by then, one frame per run of a message's text.
 * Ends when the socket closes, is cut off, or must resync; the scope's end stops it.
 */
const liveWriter = (
  conn: Connection,
  view: ClientView,
  outbox: {
    readonly take: () => ReadonlyArray<Piece>
    readonly overflowed: () => boolean
    readonly setWake: (wake: () => void) => void
  }
) =>
  Effect.async<void>((resume) => {
    let scheduled: NodeJS.Immediate | undefined
    let ended = false
    const end = (defect?: unknown) => {
      ended = true
      outbox.setWake(() => {})
      resume(defect === undefined ? Effect.void : Effect.die(defect))
    }
    // Outside the fiber, a throw would escape to the process: it ends this socket's stream instead.
    const drain = () => {
      try {
        drainPending()
      } catch (e) {
        if (!ended) end(e)
      }
    }
    const drainPending = () => {
      scheduled = undefined
      if (ended) return
      if (outbox.overflowed()) {
        conn.closeNow(1013, "fell too far behind: reconnect to resume")
        return end()
      }
      const frames = renderPieces(view, outbox.take())
      if (frames === "gap") {
        conn.closeNow(1011, "resync: reconnect with your last version and offset")
        return end()
      }
      for (const json of frames) if (!conn.sendText(json)) return end()
    }
    const wake = () => {
      scheduled ??= setImmediate(drain)
    }
    outbox.setWake(wake)
    wake()
    return Effect.sync(() => {
      ended = true
      outbox.setWake(() => {})
      if (scheduled !== undefined) clearImmediate(scheduled)
    })
  })

export const sessionIdFrom = (request: HttpServerRequest.HttpServerRequest) =>
  Option.getRight(Schema.decodeUnknownEither(SessionId)(request.url.split("?")[0].split("/")[4] ?? ""))
