import type { SqlError } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Clock, Duration, Effect, Option, PubSub, Ref, Schema, Stream, SubscriptionRef } from "effect"
import { randomUUID } from "node:crypto"
import { DatabaseHealth } from "../db/DatabaseHealth.ts"
import { notifyChannel, parseNotification, type Wakeup } from "./wakeup.ts"

export class ListenLost extends Schema.TaggedError<ListenLost>()("ListenLost", {
  reason: Schema.String
}) {}

export interface ListenerOptions {
  readonly wakeups: PubSub.PubSub<Wakeup>
  readonly listening: SubscriptionRef.SubscriptionRef<boolean>
  /** A heartbeat goes through the LISTEN connection this often; silence for 3× means it is dead. */
  readonly heartbeat: Duration.Duration
  /** Other channels heard on the same connection, their payloads published as they come. */
  readonly channels: ReadonlyArray<string>
  readonly messages: PubSub.PubSub<ChannelMessage>
}

/** A notification on one of the extra channels. */
export interface ChannelMessage {
  readonly channel: string
  readonly payload: string
}

const beat = Symbol("beat")

/**
 * Holds one LISTEN on `boocode_events` for as long as the surrounding scope lives. A dead LISTEN
 * connection may end the stream, fail it, or (with @effect/sql-pg 0.53) just go silent, so a
 * heartbeat NOTIFY on a private channel proves the connection alive; any of the three restarts it
 * with a capped exponential backoff, forever. When the app tracks the database's health, a database
 * marked down ends the session at once (its connection is gone too) and the next one starts as soon
 * as the database answers again, instead of after the heartbeat's silence.
 */
export const runListener = (options: ListenerOptions) =>
  Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    const heartbeatChannel = yield* Effect.sync(() => `boocode_hb_${randomUUID().replaceAll("-", "")}`)
    const watchdog = Duration.times(options.heartbeat, 3)
    const health = yield* Effect.serviceOption(DatabaseHealth)
    const whenHealth = (wanted: boolean) =>
      Option.match(health, {
        onNone: () => Effect.never,
        onSome: (h) => h.changes.pipe(Stream.filter((up) => up === wanted), Stream.take(1), Stream.runDrain)
      })
    const awaitUp = Option.isSome(health) ? whenHealth(true) : Effect.void
    const databaseDown = whenHealth(false).pipe(
      Effect.zipRight(Effect.fail(new ListenLost({ reason: "the database is unavailable" })))
    )

    const session = Effect.gen(function* () {
      const healthy = yield* Ref.make(false)
      const sendBeats = Effect.gen(function* () {
        yield* sql`SELECT pg_notify(${heartbeatChannel}, 'beat')`.pipe(Effect.ignore)
        // Until the first beat comes back the LISTEN may not be registered yet: beat quickly.
        yield* Effect.sleep((yield* Ref.get(healthy)) ? options.heartbeat : Duration.min(options.heartbeat, "50 millis"))
      }).pipe(Effect.forever)
      yield* Effect.forkScoped(sendBeats)

      const onBeat = Effect.gen(function* () {
        if (yield* Ref.getAndSet(healthy, true)) return
        yield* SubscriptionRef.set(options.listening, true)
        yield* PubSub.publish(options.wakeups, { streamId: null, version: null, source: "reconnect" })
      })

      type Heard = Wakeup | undefined | typeof beat | ChannelMessage
      yield* Stream.mergeAll<Heard, SqlError.SqlError, never>([
        sql.listen(notifyChannel).pipe(Stream.map(parseNotification)),
        sql.listen(heartbeatChannel).pipe(Stream.as(beat)),
        ...options.channels.map((channel) => sql.listen(channel).pipe(Stream.map((payload): ChannelMessage => ({ channel, payload }))))
      ], { concurrency: "unbounded" }).pipe(
        Stream.mapError((e) => new ListenLost({ reason: e.message })),
        Stream.timeoutFail(() => new ListenLost({ reason: `no heartbeat for ${Duration.format(watchdog)}` }), watchdog),
        Stream.runForEach((item) =>
          item === beat ? onBeat : item === undefined ? Effect.void :
            "channel" in item ? PubSub.publish(options.messages, item) : PubSub.publish(options.wakeups, item as Wakeup)
        )
      )
      return yield* new ListenLost({ reason: "LISTEN stream ended" })
    }).pipe(
      Effect.scoped,
      Effect.raceFirst(databaseDown),
      Effect.ensuring(SubscriptionRef.set(options.listening, false)),
      Effect.catchAllCause((cause) => Effect.logWarning("LISTEN boocode_events lost; restarting", cause))
    )

    let failures = 0
    while (true) {
      yield* awaitUp
      const startedAt = yield* Clock.currentTimeMillis
      yield* session
      failures = (yield* Clock.currentTimeMillis) - startedAt > Duration.toMillis(watchdog) * 2 ? 1 : failures + 1
      yield* Effect.sleep(Duration.millis(Math.min(5_000, 50 * 2 ** Math.min(failures, 10))))
    }
  }).pipe(Effect.annotateLogs("service", "Subscriptions"))
