import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { type SessionEvent, SessionDecider } from "../../domain/index.ts"
import type { StoredEvent } from "../eventstore/model.ts"
import { EventStore } from "../eventstore/EventStore.ts"
import { ProjectRepository } from "../repositories/ProjectRepository.ts"
import { SessionRepository } from "../repositories/SessionRepository.ts"
import { projectProjection } from "./projectProjection.ts"
import { sessionProjection } from "./sessionProjection.ts"
import { snapshotDue, writeSnapshot } from "./sessionSnapshots.ts"

/**
 * Empties the read-model tables and replays every stream through the same projections the appends
 * use; session snapshots are written by the same rule as at append time.
 */
export const rebuildReadModels = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const store = yield* EventStore
  const projects = yield* ProjectRepository
  const sessions = yield* SessionRepository

  const replaySession = (streamId: string, stored: ReadonlyArray<StoredEvent>) =>
    Effect.gen(function* () {
      const sessionId = streamId.slice("session-".length)
      let state = SessionDecider.initialState
      let pending: Array<SessionEvent> = []
      for (const s of stored) {
        const event = yield* sessions.decodeStored(s)
        yield* sessionProjection(sql, streamId, event, s.stream_version)
        pending.push(event)
        if (snapshotDue([event], state.version, s.stream_version)) {
          state = SessionDecider.fold(pending, state)
          pending = []
          yield* writeSnapshot(sql, sessionId, state)
        }
      }
    })

  const replayStream = (streamId: string) =>
    Effect.gen(function* () {
      const stored = yield* store.readStream(streamId)
      if (streamId.startsWith("project-"))
        for (const s of stored) yield* projectProjection(sql, yield* projects.decodeStored(s), s.stream_version)
      else yield* replaySession(streamId, stored)
      return stored.length
    })

  return yield* sql.withTransaction(
    Effect.gen(function* () {
      yield* sql`TRUNCATE projects, sessions, messages, session_snapshots, turn_leases`
      const streamIds = [...(yield* store.streamIds("project-")), ...(yield* store.streamIds("session-"))]
      const counts = yield* Effect.forEach(streamIds, replayStream)
      return { streams: streamIds.length, events: counts.reduce((a, b) => a + b, 0) }
    })
  )
}).pipe(Effect.orDie, Effect.withSpan("rebuildReadModels"))
