import { Context, Effect, Layer, Option } from "effect"
import { createHash } from "node:crypto"
import {
  type SessionCommand, SessionDecider, type SessionError, SessionEvent, type SessionState, streamIdOfSession, type SessionEventEncoded, type SessionId
} from "../../domain/index.ts"
import { sessionProjection } from "../readmodels/sessionProjection.ts"
import { readSnapshot, snapshotDue, writeSnapshot } from "../readmodels/sessionSnapshots.ts"
import { makeRepository, type Snapshots } from "./Repository.ts"

/** The same delta batch (message, kind, offset) always gets the same event id. */
const deltaEventId = (event: SessionEvent) => {
  if (event._tag !== "TextDelta" && event._tag !== "ReasoningDelta") return undefined
  const hex = createHash("sha256").update(`${event.message_id}:${event._tag}:${event.offset}`).digest("hex")
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

const snapshots: Snapshots<SessionId, SessionState, SessionEvent> = {
  read: (sql, id, upTo) =>
    readSnapshot(sql, id, upTo).pipe(Effect.map(Option.map((state) => ({ state, version: state.version })))),
  due: snapshotDue,
  write: writeSnapshot
}

const make = makeRepository<SessionId, SessionState, SessionEvent, SessionEventEncoded, SessionCommand, SessionError>({
  streamType: "session",
  streamId: streamIdOfSession,
  schema: SessionEvent,
  initialState: SessionDecider.initialState,
  evolve: SessionDecider.evolve,
  decide: SessionDecider.decide,
  project: sessionProjection,
  eventId: deltaEventId,
  leavesReadModels: (event) => event._tag === "TextDelta" || event._tag === "ReasoningDelta"
}, { fold: (events, from) => SessionDecider.fold(events, from), snapshots })

export class SessionRepository extends Context.Tag("SessionRepository")<
  SessionRepository,
  Effect.Effect.Success<typeof make>
>() {
  static readonly layer = Layer.effect(SessionRepository, make)
}
