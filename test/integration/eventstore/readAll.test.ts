import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Deferred, Effect, Fiber, Ref } from "effect"
import { EventStore } from "../../../src/infra/eventstore/EventStore.ts"
import { type Checkpoint, initialCheckpoint, type StoredEvent } from "../../../src/infra/eventstore/model.ts"
import { count, event, eventually } from "./helpers.ts"
import { StoreLive } from "./layers.ts"

/** A reader that keeps its checkpoint between reads, like a projection would, starting at the log's end. */
const makeReader = (limit = 1000) =>
  Effect.gen(function* () {
    const store = yield* EventStore
    const state = yield* Ref.make<{ checkpoint: Checkpoint; seen: ReadonlyArray<StoredEvent> }>({
      checkpoint: initialCheckpoint,
      seen: []
    })
    const readNow = Effect.gen(function* () {
      while (true) {
        const { checkpoint } = yield* Ref.get(state)
        const page = yield* store.readAll(checkpoint, limit)
        yield* Ref.update(state, (s) => ({ checkpoint: page.checkpoint, seen: [...s.seen, ...page.events] }))
        if (page.events.length < limit) return (yield* Ref.get(state)).seen.map((e) => e.type)
      }
    })
    // Skip whatever earlier tests left, waiting until all of it is visible.
    const existing = yield* count("events")
    yield* eventually(Effect.flatMap(readNow, (seen) => (seen.length >= existing ? Effect.void : Effect.fail("not yet"))))
    yield* Ref.update(state, (s) => ({ ...s, seen: [] }))
    /** Reads until the reader has seen exactly `types` (fails the test if it sees anything else). */
    const expectEventually = (types: ReadonlyArray<string>) =>
      eventually(
        Effect.flatMap(readNow, (seen) => {
          expect(types.slice(0, seen.length)).toEqual(seen)
          return seen.length === types.length ? Effect.void : Effect.fail("not yet")
        })
      )
    return { readNow, expectEventually }
  })

/** Appends inside a transaction that stays open until told to commit or roll back. */
const slowAppend = (streamId: string, type: string, options: { readonly takeXidFirst?: Deferred.Deferred<void> } = {}) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const store = yield* EventStore
    const began = yield* Deferred.make<void>()
    const inserted = yield* Deferred.make<void>()
    const decision = yield* Deferred.make<boolean>()
    const fiber = yield* Effect.fork(
      Effect.gen(function* () {
        yield* sql`SELECT pg_current_xact_id()` // the transaction id is taken now
        yield* Deferred.succeed(began, undefined)
        if (options.takeXidFirst) yield* Deferred.await(options.takeXidFirst)
        yield* store.append({ streamId, streamType: "t", expectedVersion: "any", events: [event(type)] })
        yield* Deferred.succeed(inserted, undefined)
        if (!(yield* Deferred.await(decision))) return yield* Effect.fail("rolled back on purpose")
      }).pipe(sql.withTransaction, Effect.exit)
    )
    yield* Deferred.await(options.takeXidFirst ? began : inserted)
    const finish = (commit: boolean) => Effect.zipRight(Deferred.succeed(decision, commit), Fiber.join(fiber))
    return { inserted, commit: finish(true), rollback: finish(false) }
  })

const fastAppend = (streamId: string, type: string) =>
  Effect.flatMap(EventStore, (store) =>
    store.append({ streamId, streamType: "t", expectedVersion: "any", events: [event(type)] })
  )

layer(StoreLive, { excludeTestServices: true })("G5 readAll never skips a late commit", (it) => {
  it.effect("a slow transaction that inserted before a fast one holds the reader back until it commits", () =>
    Effect.gen(function* () {
      const reader = yield* makeReader()
      const slow = yield* slowAppend("g5-a-slow", "Slow")
      yield* fastAppend("g5-a-fast", "Fast")
      expect(yield* reader.readNow).toEqual([])
      yield* slow.commit
      yield* reader.expectEventually(["Slow", "Fast"])
    })
  )

  it.effect("a transaction that began first but inserts after the fast one (higher position) still comes first", () =>
    Effect.gen(function* () {
      const reader = yield* makeReader()
      const go = yield* Deferred.make<void>()
      const slow = yield* slowAppend("g5-b-slow", "Slow", { takeXidFirst: go })
      const fast = yield* fastAppend("g5-b-fast", "Fast")
      yield* Deferred.succeed(go, undefined)
      yield* Deferred.await(slow.inserted)
      expect(yield* reader.readNow).toEqual([])
      yield* slow.commit
      yield* reader.expectEventually(["Slow", "Fast"])
      const store = yield* EventStore
      const [slowEvent] = yield* store.readStream("g5-b-slow")
      expect(slowEvent?.global_position).toBeGreaterThan(fast.positions[0] ?? Infinity)
    })
  )

  it.effect("several slow transactions committing out of order", () =>
    Effect.gen(function* () {
      const reader = yield* makeReader()
      const s1 = yield* slowAppend("g5-c-1", "S1")
      const s2 = yield* slowAppend("g5-c-2", "S2")
      const s3 = yield* slowAppend("g5-c-3", "S3")
      yield* fastAppend("g5-c-fast", "Fast")
      expect(yield* reader.readNow).toEqual([])
      yield* s3.commit
      expect(yield* reader.readNow).toEqual([])
      yield* s2.commit
      expect(yield* reader.readNow).toEqual([])
      yield* s1.commit
      yield* reader.expectEventually(["S1", "S2", "S3", "Fast"])
    })
  )

  it.effect("a rolled-back transaction does not stop the reader", () =>
    Effect.gen(function* () {
      const reader = yield* makeReader()
      const doomed = yield* slowAppend("g5-d-doomed", "Doomed")
      yield* fastAppend("g5-d-fast", "Fast1")
      expect(yield* reader.readNow).toEqual([])
      yield* doomed.rollback
      yield* fastAppend("g5-d-fast", "Fast2")
      yield* reader.expectEventually(["Fast1", "Fast2"])
    })
  )

  it.effect("pages of a small limit return every event once, in (transaction, position) order", () =>
    Effect.gen(function* () {
      const store = yield* EventStore
      const reader = yield* makeReader(7)
      // Enough events for positions to cross 99 -> 100, where text order and numeric order differ.
      const types = Array.from({ length: 120 }, (_, i) => `E${i}`)
      for (const batch of [types.slice(0, 40), types.slice(40, 80), types.slice(80)]) {
        yield* store.append({ streamId: "g5-pages", streamType: "t", expectedVersion: "any", events: batch.map((t) => event(t)) })
      }
      yield* reader.expectEventually(types)
    })
  )
})
