import { SqlClient } from "@effect/sql"
import { Context, Duration, Effect, Layer, Stream, SubscriptionRef } from "effect"

const PROBE_EVERY = Duration.millis(500)
const PROBE_TIMEOUT = Duration.seconds(2)

const make = (state: SubscriptionRef.SubscriptionRef<boolean>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    // Disconnected: a timed-out probe returns at once instead of waiting for the query's cancel.
    const probe = sql`SELECT 1`.pipe(
      Effect.disconnect,
      Effect.timeout(PROBE_TIMEOUT),
      Effect.as(true),
      Effect.catchAllCause(() => Effect.succeed(false))
    )

    const markDown = (reason: string) =>
      Effect.flatMap(SubscriptionRef.getAndSet(state, false), (wasUp) =>
        wasUp ? Effect.logWarning(`the database is unavailable (${reason}); the API answers 503 until it is back`) : Effect.void
      )

    const markUp = Effect.flatMap(SubscriptionRef.getAndSet(state, true), (wasUp) =>
      wasUp ? Effect.void : Effect.logInfo("the database answers again")
    )

    const check = Effect.tap(probe, (up) => (up ? markUp : markDown("it does not answer")))

    // While down, probe until it answers; nothing runs while it is up.
    const awaitDown = state.changes.pipe(Stream.filter((up) => !up), Stream.take(1), Stream.runDrain)
    const probeUntilUp = probe.pipe(Effect.delay(PROBE_EVERY), Effect.repeat({ until: (up) => up }), Effect.zipRight(markUp))
    yield* Effect.forkScoped(Effect.forever(Effect.zipRight(awaitDown, probeUntilUp)))

    return {
      /** Whether the database is believed up; no I/O, so it can be asked on every request. */
      isUp: SubscriptionRef.get(state),
      /** Records a failure seen elsewhere (the cluster died): down until a probe gets an answer. */
      markDown,
      /** Asks the database now (bounded); updates what isUp says. */
      check,
      /** The current availability, then every change. */
      changes: state.changes
    } as const
  }).pipe(Effect.annotateLogs("service", "DatabaseHealth"))

/**
 * Whether the database is reachable, as far as the app knows: fed by what sees failures (the
 * cluster's supervisor, a request that failed) and, only while it is down, by a probe every 500 ms.
 */
export class DatabaseHealth extends Context.Tag("DatabaseHealth")<
  DatabaseHealth,
  Effect.Effect.Success<ReturnType<typeof make>>
>() {
  /** Over a state shared with whatever reports the database down before the SQL client exists. */
  static readonly layerWith = (state: SubscriptionRef.SubscriptionRef<boolean>) => Layer.scoped(DatabaseHealth, make(state))
  static readonly layer = Layer.scoped(DatabaseHealth, Effect.flatMap(SubscriptionRef.make(true), make))
}
