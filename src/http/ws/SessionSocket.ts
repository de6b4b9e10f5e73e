import type { HttpServerRequest } from "@effect/platform"
import { Effect, Either, Option, Schedule, Schema, Stream } from "effect"
import { MessageId, SessionId, streamIdOfSession } from "../../domain/index.ts"
import { EventStore } from "../../infra/eventstore/EventStore.ts"
import type { StoredEvent } from "../../infra/eventstore/model.ts"
import { Subscriptions } from "../../infra/eventstore/Subscriptions.ts"
import { type LiveDelta, LiveHub } from "../../infra/live/LiveHub.ts"
import { SessionRepository } from "../../infra/repositories/SessionRepository.ts"
import { Count } from "../api/params.ts"
import { type Connection, errorFrame } from "./Connection.ts"
import { type DeltaPiece, makeDeltaCursor } from "./DeltaCursor.ts"
import { persistedFrame } from "./sessionFrames.ts"

export const ResumeParams = Schema.Struct({
  after: Schema.optionalWith(Count, { default: () => 0 }),
  offset: Schema.optional(Count),
  reasoning_offset: Schema.optional(Count),
  message_id: Schema.optional(MessageId)
})
export type ResumeParams = typeof ResumeParams.Type

export const decodeResumeParams = (request: HttpServerRequest.HttpServerRequest) =>
  Schema.decodeUnknownEither(ResumeParams)(Object.fromEntries(new URL(request.url, "http://x").searchParams))

const deltaType = (kind: DeltaPiece["kind"]) => (kind === "text" ? "delta" : "reasoning_delta")

/**
 * One session's stream for one socket: the log after `after`, then the in-flight text not yet
 * persisted (LiveHub snapshot, taken with the subscription before the log is read), then live
 * deltas and log events merged. The cursor cuts every delta to what the client lacks.
 */
export const streamSession = (conn: Connection, sessionId: SessionId, params: ResumeParams) =>
  Effect.gen(function* () {
    const hub = yield* LiveHub
    const repo = yield* SessionRepository
    const store = yield* EventStore
    const subscriptions = yield* Subscriptions
    const streamId = streamIdOfSession(sessionId)
    const live = yield* hub.subscribe(sessionId)
    const cursor = makeDeltaCursor()

    if (params.after > 0 || params.message_id !== undefined) {
      const at = params.after > 0 ? (yield* repo.loadAt(sessionId, params.after)).state : undefined
      const target = params.message_id ?? at?.open_message_id ?? undefined
      const known = at?.messages.find((m) => m.id === target)
      if (target !== undefined) {
        cursor.start(target, "text", params.offset ?? known?.content.length ?? 0)
        cursor.start(target, "reasoning", params.reasoning_offset ?? known?.reasoning.length ?? 0)
      }
    }

    let version = params.after
    // The backlog (log and in-flight text) is paced by what the client reads; live frames are not:
    // a client that stops reading them is cut off and resumes on reconnect.
    let backlog = true
    const emit = (frame: unknown) => (backlog ? conn.sendPaced(frame) : conn.send(frame))

    /** Sends the new part of a delta; false when the socket is gone or a gap needs a resync. */
    const sendPiece = (piece: DeltaPiece, stamp?: number) =>
      Effect.gen(function* () {
        const next = cursor.advance(piece)
        if (next === "gap") {
          yield* conn.close(1011, "resync: reconnect with your last version and offset")
          return false
        }
        if (next.content === "" && stamp === undefined) return true
        return yield* emit({
          type: deltaType(piece.kind), ...(stamp === undefined ? {} : { version: stamp }),
          message_id: piece.message_id, offset: next.offset, content: next.content
        })
      })

    const sendStored = (stored: StoredEvent) =>
      Effect.gen(function* () {
        if (stored.stream_version <= version) return true
        version = stored.stream_version
        const decoded = yield* Effect.either(repo.decodeStored(stored))
        if (Either.isLeft(decoded)) return true
        const event = decoded.right
        if (event._tag === "TextDelta" || event._tag === "ReasoningDelta")
          return yield* sendPiece(
            { message_id: event.message_id, kind: event._tag === "TextDelta" ? "text" : "reasoning", offset: event.offset, text: event.text },
            stored.stream_version
          )
        const frame = persistedFrame(event, stored.stream_version)
        return frame === undefined ? true : yield* emit(frame)
      })

    const sendLive = (d: LiveDelta) => sendPiece({ message_id: d.message_id, kind: d.kind, offset: d.offset, text: d.text })

    for (const stored of yield* store.readStream(streamId, { after: version })) if (!(yield* sendStored(stored))) return
    if (live.inFlight !== null) {
      const { message_id, reasoning, text } = live.inFlight
      if (!(yield* sendPiece({ message_id, kind: "reasoning", offset: 0, text: reasoning }))) return
      if (!(yield* sendPiece({ message_id, kind: "text", offset: 0, text }))) return
    }
    if (!(yield* emit({ type: "caught_up", version }))) return
    backlog = false

    yield* Effect.forkScoped(
      live.overflowed.pipe(
        Effect.repeat({ schedule: Schedule.spaced("250 millis"), until: (overflowed) => overflowed }),
        Effect.zipRight(conn.close(1013, "fell too far behind: reconnect to resume"))
      )
    )
    yield* Stream.merge(
      Stream.fromQueue(live.deltas).pipe(Stream.mapEffect(sendLive)),
      subscriptions.streamEvents(streamId, version).pipe(Stream.mapEffect(sendStored))
    ).pipe(Stream.takeWhile((ok) => ok), Stream.runDrain)
  }).pipe(Effect.scoped)

const isPing = Schema.is(Schema.Struct({ type: Schema.Literal("ping") }))
const typeOf = Schema.decodeUnknownOption(Schema.Struct({ type: Schema.String }))

/** The one frame a client sends is `{"type":"ping"}`, answered `{"type":"pong"}`; any other gets an `unknown_frame` error. */
export const answerClientFrames = (conn: Connection) =>
  conn.incoming.take.pipe(
    Effect.flatMap((frame) => {
      if (isPing(frame)) return conn.send({ type: "pong" })
      const named = Option.match(typeOf(frame), { onNone: () => "A frame without a type", onSome: ({ type }) => `Frame type ${JSON.stringify(type)}` })
      return conn.send(errorFrame("unknown_frame", `${named} is not understood: this socket only accepts {"type":"ping"}`))
    }),
    Effect.forever
  )

export const sessionIdFrom = (request: HttpServerRequest.HttpServerRequest) =>
  Option.getRight(Schema.decodeUnknownEither(SessionId)(request.url.split("?")[0].split("/")[4] ?? ""))
