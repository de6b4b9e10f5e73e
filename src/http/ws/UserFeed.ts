import { SqlClient } from "@effect/sql"
import { Context, Effect, Layer, PubSub, Schema, Stream } from "effect"
import { DomainEvent } from "../../domain/index.ts"
import { type Checkpoint, initialCheckpoint } from "../../infra/eventstore/model.ts"
import { Subscriptions } from "../../infra/eventstore/Subscriptions.ts"
import { ReadModels } from "../queries/ReadModels.ts"
import { LifecycleFrame } from "../../contract/userFrames.ts"
import { lifecycleFrames, lifecycleTypes } from "./lifecycleFrames.ts"

/** Once per event, whatever the number of sockets: the frames are checked against the contract as they are encoded. */
const encodeFrames = Schema.encode(Schema.Array(LifecycleFrame))

const Head = Schema.Struct({ transaction_id: Schema.String, position: Schema.NumberFromString })

/**
 * The lifecycle frames of the per-user channel, derived from the log: one reader tails every event
 * (Subscriptions.allEvents, commit-safe order, NOTIFY + poll) from the head at start-up and fans
 * the frames out to every open socket.
 */
const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const subscriptions = yield* Subscriptions
  const read = yield* ReadModels
  const hub = yield* PubSub.sliding<LifecycleFrame>(1024)
  const rows = yield* sql`SELECT transaction_id::text AS transaction_id, global_position::text AS position FROM events
    WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY transaction_id DESC, global_position DESC LIMIT 1`.pipe(
    Effect.flatMap(Schema.decodeUnknown(Schema.Array(Head))),
    Effect.orDie
  )
  const head: Checkpoint = rows[0] ?? initialCheckpoint
  const decode = Schema.decodeUnknown(DomainEvent)
  yield* subscriptions.allEvents(head).pipe(
    Stream.filter((stored) => lifecycleTypes.has(stored.type)),
    Stream.mapEffect((stored) =>
      decode(stored.data).pipe(
        Effect.flatMap((event) => lifecycleFrames(read, event)),
        Effect.flatMap(encodeFrames),
        // One event the feed cannot turn into frames must not stop the feed for every socket.
        Effect.catchAllCause((cause) =>
          Effect.as(Effect.logWarning(`user feed: no frames for ${stored.type} ${stored.stream_id}@${stored.stream_version}`, cause), [] as ReadonlyArray<LifecycleFrame>)
        )
      )
    ),
    Stream.runForEach((frames) => PubSub.publishAll(hub, frames)),
    Effect.catchAllCause((cause) => Effect.logError("user feed stopped", cause)),
    Effect.forkScoped
  )
  return { subscribe: PubSub.subscribe(hub) }
})

export class UserFeed extends Context.Tag("http/UserFeed")<UserFeed, Effect.Effect.Success<typeof make>>() {
  static readonly layer = Layer.scoped(UserFeed, make).pipe(Layer.provide(ReadModels.layer))
}
