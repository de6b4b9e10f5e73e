import { SqlError } from "@effect/sql"
import {
  Cause, Chunk, Config, Context, Duration, Effect, Layer, Option, PubSub, Queue, Schedule, Stream, SubscriptionRef
} from "effect"
import { EventStore } from "./EventStore.ts"
import type { Checkpoint, StoredEvent } from "./model.ts"
import { runListener } from "./notifyListener.ts"
import { concerns, type Wakeup } from "./wakeup.ts"

export type { Wakeup } from "./wakeup.ts"

export interface SubscriptionsConfig {
  /** Longest a caught-up reader waits without a wake-up before re-reading the log. */
  readonly pollInterval: Duration.DurationInput
  /** How often the LISTEN connection is proved alive (silence for 3× restarts it). */
  readonly heartbeat: Duration.DurationInput
  readonly batchSize?: number
}

export const SubscriptionsConfig = Config.all({
  pollInterval: Config.integer("BOOCODE_POLL_MS").pipe(Config.withDefault(1000), Config.map(Duration.millis)),
  heartbeat: Config.integer("BOOCODE_LISTEN_HEARTBEAT_MS").pipe(Config.withDefault(5000), Config.map(Duration.millis))
})

const holdsSqlError = (cause: Cause.Cause<unknown>) =>
  Option.isSome(
    Cause.find(cause, (reason) =>
      (reason._tag === "Die" && reason.defect instanceof SqlError.SqlError) ||
      (reason._tag === "Fail" && reason.error instanceof SqlError.SqlError)
        ? Option.some(reason)
        : Option.none()
    )
  )

/** 100 ms, doubling, at most 2 s apart. */
const readRetry = Schedule.union(Schedule.exponential("100 millis"), Schedule.spaced("2 seconds"))

/**
 * A tail outlives the database going away (a restart, a lost connection): a read that fails with
 * a SqlError is tried again until it succeeds. Anything else still ends the tail.
 */
const readPatiently = <A, E, R>(read: Effect.Effect<A, E, R>) =>
  read.pipe(
    Effect.sandbox,
    Effect.tapError((cause) => Effect.logDebug("reading the log failed; retrying", cause)),
    Effect.retry({ schedule: readRetry, while: holdsSqlError }),
    Effect.unsandbox
  )

const make = (config: SubscriptionsConfig) =>
  Effect.gen(function* () {
    const store = yield* EventStore
    const pollInterval = Duration.decode(config.pollInterval)
    const batchSize = config.batchSize ?? 500
    const wakeupHub = yield* PubSub.sliding<Wakeup>(4096)
    const listening = yield* SubscriptionRef.make(false)
    yield* Effect.forkScoped(runListener({ wakeups: wakeupHub, listening, heartbeat: Duration.decode(config.heartbeat) }))

    /** Wakes this process's readers at once, without waiting for the NOTIFY round trip. */
    const signal = (streamId: string, version?: number) =>
      PubSub.publish(wakeupHub, { streamId, version: version ?? null, source: "signal" }).pipe(Effect.asVoid)

    /** Returns on the first relevant wake-up, or after the poll interval. */
    const waitForWakeup = (dequeue: Queue.Dequeue<Wakeup>, relevant: (w: Wakeup) => boolean) => {
      const takeRelevant: Effect.Effect<void> = Effect.flatMap(Queue.take(dequeue), (w) =>
        relevant(w) ? Effect.void : takeRelevant
      )
      return Effect.raceFirst(takeRelevant, Effect.sleep(pollInterval))
    }

    /**
     * Pages through the log forever: reads, and when a read comes back short (caught up) waits for
     * a wake-up or the poll. Wake-ups are subscribed to before the first read and drained before
     * every read, so one that arrives during a read makes the next wait return at once.
     */
    const tail = <S>(
      relevant: (w: Wakeup) => boolean,
      start: S,
      read: (s: S) => Effect.Effect<{ readonly events: ReadonlyArray<StoredEvent>; readonly next: S }>
    ): Stream.Stream<StoredEvent> =>
      Stream.unwrapScoped(
        Effect.gen(function* () {
          const dequeue = yield* PubSub.subscribe(wakeupHub)
          return Stream.paginateChunkEffect({ state: start, wait: false }, ({ state, wait }) =>
            Effect.gen(function* () {
              if (wait) yield* waitForWakeup(dequeue, relevant)
              yield* Queue.takeAll(dequeue)
              const { events, next } = yield* readPatiently(read(state))
              const page = Chunk.fromIterable(events)
              return [page, Option.some({ state: next, wait: events.length < batchSize })] as const
            })
          )
        })
      )

    /** Every event after `from`, in commit-safe (transaction id, position) order, then live. */
    const allEvents = (from: Checkpoint) =>
      tail(
        () => true,
        from,
        (checkpoint) =>
          Effect.map(store.readAll(checkpoint, batchSize), (r) => ({ events: r.events, next: r.checkpoint }))
      )

    /** One stream's events after `afterVersion`, then live. */
    const streamEvents = (streamId: string, afterVersion = 0) =>
      tail(concerns(streamId), afterVersion, (after) =>
        Effect.map(store.readStream(streamId, { after, upTo: after + batchSize }), (events) => ({
          events,
          next: events[events.length - 1]?.stream_version ?? after
        }))
      )

    return {
      signal,
      /** Subscribes (for the scope) to raw wake-ups: NOTIFY, in-process signals, reconnects. */
      wakeups: PubSub.subscribe(wakeupHub),
      /** Whether the LISTEN connection is currently proved alive. */
      listening,
      awaitListening: listening.changes.pipe(Stream.filter((up) => up), Stream.take(1), Stream.runDrain),
      allEvents,
      streamEvents
    } as const
  })

export class Subscriptions extends Context.Tag("Subscriptions")<
  Subscriptions,
  Effect.Effect.Success<ReturnType<typeof make>>
>() {
  static readonly make = make
  /** Settings from BOOCODE_POLL_MS (default 1000) and BOOCODE_LISTEN_HEARTBEAT_MS (default 5000). */
  static readonly layer = Layer.scoped(Subscriptions, Effect.flatMap(SubscriptionsConfig, make))
  static readonly layerWith = (config: SubscriptionsConfig) => Layer.scoped(Subscriptions, make(config))
}
