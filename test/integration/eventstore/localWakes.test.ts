import { expect, layer } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { ConfigProvider, Effect, Layer, Queue, Stream, SubscriptionRef } from "effect"
import pg from "pg"
import { EventStore } from "../../../src/infra/eventstore/EventStore.ts"
import { LocalWakes } from "../../../src/infra/eventstore/LocalWakes.ts"
import { Subscriptions } from "../../../src/infra/eventstore/Subscriptions.ts"
import { Instance } from "../../../src/infra/instance/Instance.ts"
import { TestDatabaseLive, TestDatabaseUrl } from "../../support/testDatabase.ts"
import { event } from "./helpers.ts"

/** The app's wiring: store and subscriptions over the instance and the in-process wakes; the poll is 10 s away. */
const AppLikeLive = Subscriptions.layer.pipe(
  Layer.provideMerge(EventStore.layer),
  Layer.provideMerge(Layer.merge(Instance.layer, LocalWakes.layer)),
  Layer.provideMerge(TestDatabaseLive),
  Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([
    ["BOOCODE_POLL_MS", "10000"], ["BOOCODE_INSTANCE_ID", "local-wakes-test"]
  ]))))
)

/** A plain LISTEN on the log's channel, from a connection of its own: what another instance would hear. */
const listenRaw = Effect.acquireRelease(
  Effect.gen(function* () {
    const url = yield* TestDatabaseUrl
    const heard = yield* Queue.unbounded<string>()
    const client = new pg.Client({ connectionString: url })
    yield* Effect.promise(() => client.connect())
    client.on("notification", (n) => Queue.unsafeOffer(heard, n.payload ?? ""))
    yield* Effect.promise(() => client.query("LISTEN boocode_events"))
    return { client, heard }
  }),
  ({ client }) => Effect.promise(() => client.end())
)

layer(AppLikeLive, { excludeTestServices: true })("appends of an instance alone on its database", (it) => {
  it.scoped("send no NOTIFY, and still wake this process's readers at once", () =>
    Effect.gen(function* () {
      const store = yield* EventStore
      const subs = yield* Subscriptions
      const sql = yield* SqlClient.SqlClient
      const { heard } = yield* listenRaw
      const received = yield* Queue.unbounded<string>()
      yield* subs.streamEvents("alone-1").pipe(Stream.runForEach((e) => Queue.offer(received, e.type)), Effect.forkScoped)
      for (const [i, type] of ["A", "B"].entries()) {
        yield* store.append({ streamId: "alone-1", streamType: "t", expectedVersion: i, events: [event(type)] })
        expect(yield* Queue.take(received)).toBe(type)
      }
      // Notifications arrive in commit order: the marker sent after the appends is the first one heard.
      yield* sql`SELECT pg_notify('boocode_events', 'marker:1')`
      expect(yield* Queue.take(heard)).toBe("marker:1")
    })
  )

  it.scoped("send a NOTIFY while another instance is alive", () =>
    Effect.gen(function* () {
      const store = yield* EventStore
      const instance = yield* Instance
      const { heard } = yield* listenRaw
      yield* SubscriptionRef.set(instance.others, 1)
      yield* store.append({ streamId: "shared-1", streamType: "t", expectedVersion: 0, events: [event("A")] })
      expect(yield* Queue.take(heard)).toBe("shared-1:1")
      yield* SubscriptionRef.set(instance.others, 0)
    })
  )
})
