import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Deferred, Effect, Fiber, FiberStatus, Schema } from "effect"
import { EventStore } from "../../../src/infra/eventstore/EventStore.ts"
import { verifyChains } from "../../../src/infra/eventstore/verifyChains.ts"
import { backendPids, event, eventually } from "./helpers.ts"
import { StoreLive } from "./layers.ts"

const parked = (fiber: Fiber.RuntimeFiber<unknown, unknown>) =>
  Effect.gen(function* () {
    while (!FiberStatus.isSuspended(yield* Fiber.status(fiber))) yield* Effect.yieldNow()
  })

/**
 * Runs `queued` behind both in-flight slots: the two `inFlight` appends wait on row locks the test
 * holds on their streams, the queued ones are forked (in order) and seen parked, then the locks
 * go. Answers the in-flight results and the queued ones as Eithers.
 */
const behindPinnedSlots = <A, E, Q, QE>(
  streams: readonly [string, string],
  inFlight: readonly [Effect.Effect<A, E>, Effect.Effect<A, E>],
  queued: ReadonlyArray<Effect.Effect<Q, QE>>
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const release = yield* Deferred.make<void>()
    const locked = yield* Deferred.make<void>()
    const holder = yield* Effect.fork(
      sql`SELECT stream_id FROM streams WHERE stream_id IN ${sql.in(streams)} FOR UPDATE`.pipe(
        Effect.zipRight(Deferred.succeed(locked, undefined)),
        Effect.zipRight(Deferred.await(release)),
        sql.withTransaction
      )
    )
    yield* Deferred.await(locked)
    const pinned = yield* Effect.forEach(inFlight, (effect) => Effect.fork(effect))
    yield* eventually(Effect.filterOrFail(backendPids("%append_events%", { waitingOnLock: true }), (pids) => pids.length === 2))
    const waiting = yield* Effect.forEach(queued, (effect) => Effect.fork(Effect.either(effect)))
    for (const fiber of waiting) yield* parked(fiber)
    yield* Deferred.succeed(release, undefined)
    yield* Fiber.join(holder)
    return { pinned: yield* Effect.forEach(pinned, Fiber.join), queued: yield* Effect.forEach(waiting, Fiber.join) }
  })

const Rows = Schema.Array(Schema.Struct({ stream_id: Schema.String, transaction_id: Schema.String, n: Schema.NumberFromString }))

layer(StoreLive, { excludeTestServices: true })("grouped appends", (it) => {
  it.effect("appends queued behind the ones in flight share one transaction, each with its own check and chain", () =>
    Effect.gen(function* () {
      const store = yield* EventStore
      const sql = yield* SqlClient.SqlClient
      const append = (streamId: string, expectedVersion: number | "any", type = "E") =>
        store.append({ streamId, streamType: "t", expectedVersion, events: [event(type, { streamId }), event(`${type}2`)] })
      for (const s of ["ga-a", "ga-b", "ga-stale"]) yield* append(s, 0)

      // Two appends (the limit in flight) wait on row locks; these queue, and go out together once a slot frees.
      const { pinned: [a, b], queued: [new1, new2, stale, any] } = yield* behindPinnedSlots(
        ["ga-a", "ga-b"],
        [append("ga-a", 2), append("ga-b", 2)],
        [append("ga-new-1", 0), append("ga-new-2", 0), append("ga-stale", 0, "Stale"), append("ga-any", "any")]
      )
      expect(a.from_version).toBe(3)
      expect(b.from_version).toBe(3)
      for (const fresh of [new1, new2, any])
        expect(fresh).toMatchObject({ _tag: "Right", right: { from_version: 1, to_version: 2, duplicate: false } })
      expect(stale).toMatchObject({ _tag: "Left", left: { _tag: "ConcurrencyConflict", stream_id: "ga-stale", expected: 0, actual: 2 } })

      const rows = yield* Schema.decodeUnknown(Rows)(
        yield* sql`SELECT stream_id, transaction_id::text, count(*)::text AS n FROM events
                   WHERE stream_id IN ('ga-a', 'ga-b', 'ga-new-1', 'ga-new-2', 'ga-any', 'ga-stale') AND stream_version > 2
                      OR stream_id IN ('ga-new-1', 'ga-new-2', 'ga-any')
                   GROUP BY stream_id, transaction_id ORDER BY stream_id`
      )
      const txOf = (s: string) => rows.filter((r) => r.stream_id === s).map((r) => r.transaction_id)
      expect(rows.map((r) => [r.stream_id, r.n])).toStrictEqual([
        ["ga-a", 2], ["ga-any", 2], ["ga-b", 2], ["ga-new-1", 2], ["ga-new-2", 2]
      ])
      const group = txOf("ga-new-1")
      expect(txOf("ga-new-2")).toStrictEqual(group)
      expect(txOf("ga-any")).toStrictEqual(group)
      expect(new Set([...txOf("ga-a"), ...txOf("ga-b"), ...group]).size).toBe(3)
      expect(yield* store.streamVersion("ga-stale")).toBe(2)
      expect(yield* verifyChains).toStrictEqual([])
    })
  )

  it.effect("several appends to one stream in one group apply in the order they were made", () =>
    Effect.gen(function* () {
      const store = yield* EventStore
      const append = (streamId: string, expectedVersion: number, type: string) =>
        store.append({ streamId, streamType: "t", expectedVersion, events: [event(type)] })
      for (const s of ["go-x", "go-y"]) yield* append(s, 0, "Start")
      const { queued: [z1, z2, late] } = yield* behindPinnedSlots(
        ["go-x", "go-y"],
        [append("go-x", 1, "X"), append("go-y", 1, "Y")],
        [append("go-z", 0, "Z1"), append("go-z", 1, "Z2"), append("go-z", 1, "Z-late")]
      )
      expect(z1).toMatchObject({ _tag: "Right", right: { from_version: 1 } })
      expect(z2).toMatchObject({ _tag: "Right", right: { from_version: 2 } })
      expect(late).toMatchObject({ _tag: "Left", left: { _tag: "ConcurrencyConflict", actual: 2 } })
      expect((yield* store.readStream("go-z")).map((e) => e.type)).toStrictEqual(["Z1", "Z2"])
      expect(yield* verifyChains).toStrictEqual([])
    })
  )
})
