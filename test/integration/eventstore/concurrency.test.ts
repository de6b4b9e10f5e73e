import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { EventStore } from "../../../src/infra/eventstore/EventStore.ts"
import { verifyChains } from "../../../src/infra/eventstore/verifyChains.ts"
import { count, event, expectSilence, listenOn, streamSnapshot } from "./helpers.ts"
import { StoreLive } from "./layers.ts"

layer(StoreLive, { excludeTestServices: true })("G1/G2 optimistic concurrency", (it) => {
  it.effect("G1: 20 fibers x 10 appends with retry-on-conflict give versions exactly 1..200", () =>
    Effect.gen(function* () {
      const store = yield* EventStore
      const streamId = "g1-race"
      const appendOne = (fiber: number, i: number) =>
        Effect.flatMap(store.streamVersion(streamId), (version) =>
          store.append({ streamId, streamType: "t", expectedVersion: version, events: [event("E", { fiber, i })] })
        ).pipe(Effect.retry({ while: (e) => e._tag === "ConcurrencyConflict", schedule: Schedule.exponential("4 millis", 2).pipe(Schedule.jittered, Schedule.union(Schedule.spaced("100 millis"))) }))
      const worker = (fiber: number) => Effect.forEach(Array.from({ length: 10 }, (_, i) => i), (i) => appendOne(fiber, i))
      yield* Effect.forEach(Array.from({ length: 20 }, (_, f) => f), worker, { concurrency: "unbounded" })

      const events = yield* store.readStream(streamId)
      expect(events.map((e) => e.stream_version)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1))
      expect(new Set(events.map((e) => JSON.stringify(e.data))).size).toBe(200)
      expect(yield* store.streamVersion(streamId)).toBe(200)
      expect((yield* verifyChains).filter((p) => p.streamId === streamId)).toEqual([])
    })
  )

  it.effect("G2: a stale expected version fails and writes no event, projection row or notification", () =>
    Effect.gen(function* () {
      const store = yield* EventStore
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE g2_projection (stream_id text, version bigint)`
      const project = (events: ReadonlyArray<{ readonly stream_id: string; readonly stream_version: number }>) =>
        Effect.forEach(events, (e) => sql`INSERT INTO g2_projection VALUES (${e.stream_id}, ${e.stream_version})`).pipe(
          Effect.orDie,
          Effect.asVoid
        )
      const streamId = "g2-stale"
      yield* store.append({ streamId, streamType: "t", expectedVersion: 0, events: [event("A"), event("B")], inline: project })
      const before = yield* streamSnapshot(streamId)
      const notifications = yield* listenOn("boocode_events")

      for (const expectedVersion of [0, 1, 3]) {
        const error = yield* store
          .append({
            streamId,
            streamType: "t",
            expectedVersion,
            events: [event("Stale")],
            command: { id: `g2-cmd-${expectedVersion}`, payload: { expectedVersion } },
            inline: project
          })
          .pipe(Effect.flip)
        expect(error).toMatchObject({ _tag: "ConcurrencyConflict", stream_id: streamId, actual: 2 })
      }
      const missing = yield* store
        .append({ streamId: "g2-missing", streamType: "t", expectedVersion: 4, events: [event("X")], inline: project })
        .pipe(Effect.flip)
      expect(missing).toMatchObject({ _tag: "ConcurrencyConflict", actual: 0 })

      expect(yield* streamSnapshot(streamId)).toEqual(before)
      expect(yield* count("g2_projection")).toBe(2)
      expect(yield* count("events", "stream_id = 'g2-missing'")).toBe(0)
      expect(yield* count("streams", "stream_id = 'g2-missing'")).toBe(0)
      expect(yield* count("commands", "command_id LIKE 'g2-cmd-%'")).toBe(0)
      yield* expectSilence(notifications)

      // The same command can go through once the caller has re-read the version.
      const ok = yield* store.append({
        streamId, streamType: "t", expectedVersion: 2, events: [event("C")],
        command: { id: "g2-cmd-0", payload: { expectedVersion: 0 } }, inline: project
      })
      expect(ok.to_version).toBe(3)
      expect(yield* count("g2_projection")).toBe(3)
    }).pipe(Effect.scoped)
  )
})
