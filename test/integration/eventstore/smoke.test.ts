import { expect, it, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { EventStore } from "../../../src/infra/eventstore/EventStore.ts"
import { TestDatabaseLive } from "../../support/testDatabase.ts"

layer(EventStore.layer.pipe(Layer.provideMerge(TestDatabaseLive)))("EventStore smoke", (it) => {
  it.effect("appends and reads back", () =>
    Effect.gen(function* () {
      const store = yield* EventStore
      const r = yield* store.append({
        streamId: "s-1",
        streamType: "test",
        expectedVersion: 0,
        events: [{ type: "A", data: { n: 1 } }, { type: "B", data: { n: 2 } }]
      })
      expect(r.from_version).toBe(1)
      expect(r.to_version).toBe(2)
      const events = yield* store.readStream("s-1")
      expect(events.map((e) => e.type)).toEqual(["A", "B"])
      const conflict = yield* store
        .append({ streamId: "s-1", streamType: "test", expectedVersion: 1, events: [{ type: "C", data: {} }] })
        .pipe(Effect.flip)
      expect(conflict._tag).toBe("ConcurrencyConflict")
    })
  )
})
