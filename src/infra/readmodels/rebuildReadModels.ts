import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { EventStore } from "../eventstore/EventStore.ts"
import { ProjectRepository } from "../repositories/ProjectRepository.ts"
import { SessionRepository } from "../repositories/SessionRepository.ts"
import { projectProjection } from "./projectProjection.ts"
import { sessionProjection } from "./sessionProjection.ts"

/** Empties the read-model tables and replays every stream through the same projections the appends use. */
export const rebuildReadModels = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const store = yield* EventStore
  const projects = yield* ProjectRepository
  const sessions = yield* SessionRepository

  const replayStream = (streamId: string) =>
    Effect.gen(function* () {
      const stored = yield* store.readStream(streamId)
      for (const s of stored) {
        if (streamId.startsWith("project-"))
          yield* projectProjection(sql, yield* projects.decodeStored(s), s.stream_version)
        else yield* sessionProjection(sql, streamId, yield* sessions.decodeStored(s), s.stream_version)
      }
      return stored.length
    })

  return yield* sql.withTransaction(
    Effect.gen(function* () {
      yield* sql`TRUNCATE projects, sessions, messages`
      const streamIds = [...(yield* store.streamIds("project-")), ...(yield* store.streamIds("session-"))]
      const counts = yield* Effect.forEach(streamIds, replayStream)
      return { streams: streamIds.length, events: counts.reduce((a, b) => a + b, 0) }
    })
  )
}).pipe(Effect.orDie, Effect.withSpan("rebuildReadModels"))
