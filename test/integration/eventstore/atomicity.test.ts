import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber } from "effect"
import { type AppendedEvent, EventStore } from "../../../src/infra/eventstore/EventStore.ts"
import { backendPids, count, event, eventually, expectSilence, listenOn, streamSnapshot, terminate } from "./helpers.ts"
import { StoreLive } from "./layers.ts"

const setup = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE IF NOT EXISTS g3_projection (id text PRIMARY KEY, stream_id text NOT NULL)`
  const project = (events: ReadonlyArray<AppendedEvent>) =>
    Effect.forEach(events, (e) =>
      sql`INSERT INTO g3_projection VALUES (${`${e.stream_id}:${e.stream_version}`}, ${e.stream_id})`
    ).pipe(Effect.orDie, Effect.asVoid)
  return { sql, project }
})

/** What one stream left behind anywhere: log, stream row, command rows, projection rows. */
const traces = (streamId: string) =>
  Effect.gen(function* () {
    return {
      ...(yield* streamSnapshot(streamId)),
      commands: yield* count("commands", `stream_id = '${streamId}'`),
      projection: yield* count("g3_projection", `stream_id = '${streamId}'`)
    }
  })

/** A stream at version 1 with one projection row. */
const seeded = (streamId: string) =>
  Effect.gen(function* () {
    const { project } = yield* setup
    const store = yield* EventStore
    yield* store.append({ streamId, streamType: "t", expectedVersion: 0, events: [event("Seed")], inline: project })
    return yield* traces(streamId)
  })

layer(StoreLive, { excludeTestServices: true })("G3 appends are atomic", (it) => {
  it.effect("an inline hook that dies or is interrupted after the inserts leaves nothing behind", () =>
    Effect.gen(function* () {
      const { project } = yield* setup
      const store = yield* EventStore
      const before = yield* seeded("g3-inline")
      const notifications = yield* listenOn("boocode_events")
      const breakers = [Effect.die("projection bug"), Effect.interrupt]
      for (const [i, breaker] of breakers.entries()) {
        for (const [streamId, expectedVersion] of [["g3-inline", 1], [`g3-inline-new-${i}`, 0]] as const) {
          const exit = yield* store
            .append({
              streamId, streamType: "t", expectedVersion, events: [event("X"), event("Y")],
              command: { id: `g3-cmd-${streamId}-${i}`, payload: {} },
              inline: (events) => Effect.zipRight(project(events), breaker)
            })
            .pipe(Effect.exit)
          expect(Exit.isFailure(exit)).toBe(true)
        }
        expect(yield* traces("g3-inline")).toEqual(before)
        expect(yield* traces(`g3-inline-new-${i}`)).toEqual({ version: 0, events: [], commands: 0, projection: 0 })
      }
      yield* expectSilence(notifications)
    }).pipe(Effect.scoped)
  )

  it.effect("a connection killed while the append waits on the stream row lock leaves nothing behind", () =>
    Effect.gen(function* () {
      const { project, sql } = yield* setup
      const store = yield* EventStore
      const streamId = "g3-kill-lock"
      const before = yield* seeded(streamId)
      const locked = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const holder = yield* Effect.fork(
        sql`SELECT 1 FROM streams WHERE stream_id = ${streamId} FOR UPDATE`.pipe(
          Effect.zipRight(Deferred.succeed(locked, undefined)),
          Effect.zipRight(Deferred.await(release)),
          sql.withTransaction
        )
      )
      yield* Deferred.await(locked)
      const appending = yield* Effect.fork(
        store.append({
          streamId, streamType: "t", expectedVersion: 1, events: [event("Lost")],
          command: { id: "g3-kill-lock-cmd", payload: {} }, inline: project
        }).pipe(Effect.exit)
      )
      const pid = yield* eventually(
        Effect.flatMap(backendPids("%append_events%", { waitingOnLock: true }), (pids) =>
          pids[0] === undefined ? Effect.fail("not waiting yet") : Effect.succeed(pids[0])
        )
      )
      yield* terminate(pid)
      expect(Exit.isFailure(yield* Fiber.join(appending))).toBe(true)
      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(holder)
      expect(yield* traces(streamId)).toEqual(before)
      // The store still works on the next append.
      const next = yield* store.append({ streamId, streamType: "t", expectedVersion: 1, events: [event("Next")] })
      expect(next.to_version).toBe(2)
    })
  )

  it.effect("a connection killed after the events are inserted (blocked in the inline hook) leaves nothing behind", () =>
    Effect.gen(function* () {
      const { project, sql } = yield* setup
      const store = yield* EventStore
      const streamId = "g3-kill-inline"
      const before = yield* seeded(streamId)
      const blocker = `${streamId}:2`
      const locked = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      // Another transaction inserts the projection row the append will want, and keeps it uncommitted.
      const holder = yield* Effect.fork(
        sql`INSERT INTO g3_projection VALUES (${blocker}, 'holder')`.pipe(
          Effect.zipRight(Deferred.succeed(locked, undefined)),
          Effect.zipRight(Deferred.await(release)),
          Effect.zipRight(Effect.fail("roll back")),
          sql.withTransaction,
          Effect.exit
        )
      )
      yield* Deferred.await(locked)
      const appending = yield* Effect.fork(
        store.append({
          streamId, streamType: "t", expectedVersion: 1, events: [event("Lost")],
          command: { id: "g3-kill-inline-cmd", payload: {} }, inline: project
        }).pipe(Effect.exit)
      )
      const pid = yield* eventually(
        Effect.flatMap(backendPids("%g3_projection%", { waitingOnLock: true }), (pids) =>
          pids[0] === undefined ? Effect.fail("not waiting yet") : Effect.succeed(pids[0])
        )
      )
      // The blocked append has inserted its event: visible to nobody, but there.
      yield* terminate(pid)
      expect(Exit.isFailure(yield* Fiber.join(appending))).toBe(true)
      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(holder)
      expect(yield* traces(streamId)).toEqual(before)
      expect(yield* count("g3_projection", `id = '${blocker}'`)).toBe(0)
    })
  )
})
