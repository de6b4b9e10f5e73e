import { Clock, Duration, Effect } from "effect"
import type { EmbeddedPostgresError } from "./EmbeddedPostgresError.ts"
import { describeExit, type Postmaster } from "./postmaster.ts"

export interface SupervisorOptions {
  readonly first: Postmaster
  /** Starts the server again on the same port and folder. */
  readonly restart: Effect.Effect<Postmaster, EmbeddedPostgresError>
  readonly port: number
  /** Restarts tried in a row before giving up. */
  readonly attempts: number
  readonly onDown: (reason: string) => Effect.Effect<void>
}

/** A server that ran this long before dying was healthy: its death starts a fresh count of attempts. */
const STABLE = Duration.seconds(30)
const FIRST_DELAY = Duration.millis(250)
const MAX_DELAY = Duration.seconds(5)

const delayBefore = (attempt: number) => Duration.min(Duration.times(FIRST_DELAY, 2 ** (attempt - 1)), MAX_DELAY)

/**
 * Watches the cluster this process owns; runs until the scope that forked it closes (which
 * interrupts it before the server is stopped on purpose, so any exit seen here is a death). Each
 * death is reported, then the server is restarted with a doubling delay (250 ms up to 5 s) for at
 * most `attempts` tries in a row; after the last one it says so and stops trying.
 */
export const superviseCluster = (options: SupervisorOptions) =>
  Effect.gen(function* () {
    let running = options.first
    let failed = 0
    while (true) {
      const since = yield* Clock.currentTimeMillis
      const exit = yield* running.exited
      const reason = `PostgreSQL (pid ${running.pid}) ${describeExit(exit)}`
      yield* options.onDown(reason)
      if ((yield* Clock.currentTimeMillis) - since > Duration.toMillis(STABLE)) failed = 0
      if (options.attempts === 0) return yield* Effect.logError(`${reason}; restarting it is turned off`)
      yield* Effect.logError(`${reason}; restarting it on port ${options.port}`)
      let back = false
      while (!back && failed < options.attempts) {
        failed++
        yield* Effect.sleep(delayBefore(failed))
        yield* Effect.logInfo(`restarting PostgreSQL on port ${options.port} (attempt ${failed} of ${options.attempts})`)
        const restarted = yield* Effect.either(options.restart)
        if (restarted._tag === "Right") {
          running = restarted.right
          back = true
          yield* Effect.logInfo(`PostgreSQL is running again (pid ${running.pid}, port ${options.port})`)
        } else yield* Effect.logWarning(`restart attempt ${failed} failed: ${restarted.left.message}`)
      }
      if (!back)
        return yield* Effect.logError(
          `PostgreSQL could not be restarted after ${options.attempts} attempts; the API answers 503 until BooCode is restarted`
        )
    }
  }).pipe(Effect.annotateLogs("service", "EmbeddedCluster"))
