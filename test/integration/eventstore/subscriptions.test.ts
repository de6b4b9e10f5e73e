import { expect, layer } from "@effect/vitest"
import { Chunk, Clock, Effect, Fiber, Queue, Stream } from "effect"
import { EventStore } from "../../../src/infra/eventstore/EventStore.ts"
import { initialCheckpoint } from "../../../src/infra/eventstore/model.ts"
import { Subscriptions } from "../../../src/infra/eventstore/Subscriptions.ts"
import { backendPids, event, eventually, terminate } from "./helpers.ts"
import { subscriptionsLive } from "./layers.ts"

const collect = (stream: Stream.Stream<{ readonly type: string }>, n: number) =>
  stream.pipe(Stream.take(n), Stream.runCollect, Effect.map((c) => Chunk.toArray(c).map((e) => e.type)))

layer(subscriptionsLive({ BOOCODE_POLL_MS: "10000", BOOCODE_LISTEN_HEARTBEAT_MS: "200" }), { excludeTestServices: true })(
  "G6 subscriptions wake on NOTIFY (poll interval 10 s)",
  (it) => {
    it.effect("a stream subscriber gets each append well before the poll", () =>
      Effect.gen(function* () {
        const store = yield* EventStore
        const subs = yield* Subscriptions
        yield* subs.awaitListening
        const received = yield* Queue.unbounded<string>()
        yield* subs.streamEvents("g6-notify").pipe(
          Stream.runForEach((e) => Queue.offer(received, e.type)),
          Effect.forkScoped
        )
        yield* Effect.sleep("150 millis") // caught up and waiting
        for (const [i, type] of ["A", "B", "C"].entries()) {
          const start = yield* Clock.currentTimeMillis
          yield* store.append({ streamId: "g6-notify", streamType: "t", expectedVersion: i, events: [event(type)] })
          expect(yield* Queue.take(received)).toBe(type)
          expect((yield* Clock.currentTimeMillis) - start).toBeLessThan(1000)
        }
      }).pipe(Effect.scoped)
    )

    it.effect("allEvents follows several streams in log order, woken by NOTIFY", () =>
      Effect.gen(function* () {
        const store = yield* EventStore
        const subs = yield* Subscriptions
        const before = yield* store.readAll(initialCheckpoint)
        const fiber = yield* Effect.fork(collect(subs.allEvents(before.checkpoint), 3))
        yield* Effect.sleep("150 millis")
        const start = yield* Clock.currentTimeMillis
        yield* store.append({ streamId: "g6-all-1", streamType: "t", expectedVersion: 0, events: [event("X1")] })
        yield* store.append({ streamId: "g6-all-2", streamType: "t", expectedVersion: 0, events: [event("Y1")] })
        yield* store.append({ streamId: "g6-all-1", streamType: "t", expectedVersion: 1, events: [event("X2")] })
        expect(yield* Fiber.join(fiber)).toEqual(["X1", "Y1", "X2"])
        // Transactions in other test databases of the cluster can hold back the snapshot xmin a little.
        expect((yield* Clock.currentTimeMillis) - start).toBeLessThan(5000)
      })
    )

    it.effect("an in-process signal wakes a reader without NOTIFY", () =>
      Effect.gen(function* () {
        const subs = yield* Subscriptions
        const wakeups = yield* subs.wakeups
        yield* subs.signal("g6-local", 7)
        expect(yield* Queue.take(wakeups)).toEqual({ streamId: "g6-local", version: 7, source: "signal" })
      }).pipe(Effect.scoped)
    )
  }
)

layer(subscriptionsLive({ BOOCODE_POLL_MS: "250", BOOCODE_LISTEN_HEARTBEAT_MS: "100" }), { excludeTestServices: true })(
  "G6 subscriptions survive a killed LISTEN connection",
  (it) => {
    it.effect("events appended while LISTEN is down arrive, and NOTIFY works again after", () =>
      Effect.gen(function* () {
        const store = yield* EventStore
        const subs = yield* Subscriptions
        yield* subs.awaitListening
        const [listenPid] = yield* backendPids("LISTEN %")
        expect(listenPid).toBeDefined()
        if (listenPid === undefined) return

        const received = yield* Queue.unbounded<string>()
        yield* subs.streamEvents("g6-kill").pipe(
          Stream.runForEach((e) => Queue.offer(received, e.type)),
          Effect.forkScoped
        )
        yield* terminate(listenPid)
        yield* store.append({ streamId: "g6-kill", streamType: "t", expectedVersion: 0, events: [event("Down1")] })
        yield* store.append({ streamId: "g6-kill", streamType: "t", expectedVersion: 1, events: [event("Down2")] })
        expect([yield* Queue.take(received), yield* Queue.take(received)]).toEqual(["Down1", "Down2"])

        // A new LISTEN connection comes up by itself...
        yield* eventually(
          Effect.flatMap(backendPids("LISTEN %"), (pids) =>
            pids.length > 0 && !pids.includes(listenPid) ? Effect.void : Effect.fail("old LISTEN still there")
          )
        )
        yield* subs.awaitListening
        // ...and a NOTIFY (not the 250 ms poll) wakes readers again.
        const wakeups = yield* subs.wakeups
        yield* store.append({ streamId: "g6-kill", streamType: "t", expectedVersion: 2, events: [event("Up")] })
        const wake = yield* Queue.take(wakeups).pipe(
          Effect.repeat({ until: (w) => w.streamId === "g6-kill" }),
          Effect.timeout("1 second")
        )
        expect(wake).toEqual({ streamId: "g6-kill", version: 3, source: "notify" })
        expect(yield* Queue.take(received)).toBe("Up")
      }).pipe(Effect.scoped)
    )
  }
)
