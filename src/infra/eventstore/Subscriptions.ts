import { SqlClient, SqlError } from "@effect/sql"
import {
  Cause, Chunk, Config, Context, Duration, Effect, Layer, Option, PubSub, Queue, Schedule, Stream, SubscriptionRef
} from "effect"
import { EventStore } from "./EventStore.ts"
import type { Checkpoint, StoredEvent } from "./model.ts"
import { type ChannelMessage, runListener } from "./notifyListener.ts"
import { cancelChannel, liveChannel } from "./channels.ts"
import { LocalWakes } from "./LocalWakes.ts"
import { pollLog } from "./pollLog.ts"
import { makeWakeRegistry, type PollResult } from "./wakeRegistry.ts"
import type { Wakeup } from "./wakeup.ts"

export type { Wakeup } from "./wakeup.ts"

export interface SubscriptionsConfig {
  /** How often the process polls the log (one statement) in case a NOTIFY was lost. */
  readonly pollInterval: Duration.DurationInput
  /** How often the LISTEN connection is proved alive (silence for 3× restarts it). */
  readonly heartbeat: Duration.DurationInput
  readonly batchSize?: number
}

/** Channels besides the log's wake-ups that this process hears on its LISTEN connection. */
export const extraChannels: ReadonlyArray<string> = [cancelChannel, liveChannel]

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
    const sql = yield* SqlClient.SqlClient
    const pollInterval = Duration.decode(config.pollInterval)
    const batchSize = config.batchSize ?? 500
    const wakeupHub = yield* PubSub.sliding<Wakeup>(4096)
    const listening = yield* SubscriptionRef.make(false)
    const registry = makeWakeRegistry()
    const polls = yield* SubscriptionRef.make(0)
    const messages = yield* PubSub.sliding<ChannelMessage>(4096)
    yield* Effect.forkScoped(runListener({
      wakeups: wakeupHub, listening, heartbeat: Duration.decode(config.heartbeat), channels: extraChannels, messages
    }))

    // This process's own appends, told in process (they may come with no NOTIFY at all).
    const localWakes = yield* Effect.serviceOption(LocalWakes)
    if (Option.isSome(localWakes)) {
      const own = yield* PubSub.subscribe(localWakes.value)
      yield* Effect.forkScoped(Queue.takeBetween(own, 1, 1024).pipe(
        Effect.flatMap((wakeups) => PubSub.publishAll(wakeupHub, wakeups)),
        Effect.forever
      ))
    }

    // One fiber routes every wake-up to the tails of the stream it names (a map lookup, no broadcast).
    const dispatched = yield* PubSub.subscribe(wakeupHub)
    yield* Effect.forkScoped(
      Queue.takeBetween(dispatched, 1, 1024).pipe(
        Effect.flatMap((wakeups) => Effect.sync(() => Chunk.forEach(wakeups, registry.dispatch))),
        Effect.forever
      )
    )

    // The safety net for a lost NOTIFY: one statement per interval for the whole process, and none
    // while no tail is open; it wakes only the tails whose stream moved.
    const pollOnce = Effect.gen(function* () {
      if (registry.isEmpty()) return
      const result = yield* pollLog(registry.watchedStreams()).pipe(Effect.provideService(SqlClient.SqlClient, sql))
      registry.afterPoll(result)
      yield* SubscriptionRef.update(polls, (n) => n + 1)
    }).pipe(Effect.catchAllCause((cause) => Effect.logDebug("polling the log failed; trying again next interval", cause)))
    yield* Effect.forkScoped(pollOnce.pipe(Effect.delay(pollInterval), Effect.forever))

    /** Wakes this process's readers at once, without waiting for the NOTIFY round trip. */
    const signal = (streamId: string, version?: number) =>
      PubSub.publish(wakeupHub, { streamId, version: version ?? null, source: "signal" }).pipe(Effect.asVoid)

    /**
     * Pages through the log forever: reads, and when a read comes back short (caught up) waits for
     * a wake-up (NOTIFY, signal, or the poll seeing news). The tail is registered before the first
     * read and its latch closed before every read, so a wake-up during a read makes the next wait
     * return at once.
     */
    const tail = <S>(
      streamId: string | null,
      start: S,
      behind: (s: S, poll: PollResult) => boolean,
      read: (s: S) => Effect.Effect<{ readonly events: ReadonlyArray<StoredEvent>; readonly next: S }>
    ): Stream.Stream<StoredEvent> =>
      Stream.unwrapScoped(
        Effect.gen(function* () {
          const latch = yield* Effect.makeLatch(false)
          let current = start
          const remove = registry.add({ streamId, wake: () => latch.unsafeOpen(), behind: (poll) => behind(current, poll) })
          yield* Effect.addFinalizer(() => Effect.sync(remove))
          return Stream.paginateChunkEffect({ state: start, wait: false }, ({ state, wait }) =>
            Effect.gen(function* () {
              if (wait) yield* latch.await
              latch.unsafeClose()
              const { events, next } = yield* readPatiently(read(state))
              current = next
              const page = Chunk.fromIterable(events)
              return [page, Option.some({ state: next, wait: events.length < batchSize })] as const
            })
          )
        })
      )

    /**
     * Every event after `from`, in commit-safe (transaction id, position) order, then live. The
     * poll wakes it when the log's highest position moved since the previous poll.
     */
    const allEvents = (from: Checkpoint) => {
      let seenHead: number | undefined = undefined
      return tail(
        null,
        from,
        (_, poll) => {
          const moved = poll.head !== seenHead
          seenHead = poll.head
          return moved
        },
        (checkpoint) =>
          Effect.map(store.readAll(checkpoint, batchSize), (r) => ({ events: r.events, next: r.checkpoint }))
      )
    }

    /** One stream's events after `afterVersion`, then live. */
    const streamEvents = (streamId: string, afterVersion = 0) =>
      tail(
        streamId,
        afterVersion,
        (after, poll) => (poll.versions.get(streamId) ?? 0) > after,
        (after) =>
          Effect.map(store.readStream(streamId, { after, upTo: after + batchSize }), (events) => ({
            events,
            next: events[events.length - 1]?.stream_version ?? after
          }))
      )

    return {
      signal,
      /** Subscribes (for the scope) to raw wake-ups: NOTIFY, in-process signals, reconnects. */
      wakeups: PubSub.subscribe(wakeupHub),
      /** Subscribes (for the scope) to the notifications of `extraChannels`. */
      messages: PubSub.subscribe(messages),
      /** Whether the LISTEN connection is currently proved alive. */
      listening,
      awaitListening: listening.changes.pipe(Stream.filter((up) => up), Stream.take(1), Stream.runDrain),
      /** How many polls have run a statement (for tests: the poller's ticks). */
      polls,
      /** Open tails of one stream in this process. */
      tailsOf: registry.tailsOf,
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
