import { PgClient } from "@effect/sql-pg"
import { Effect, Redacted } from "effect"
import { inject } from "vitest"

/**
 * A database that stops answering, made for real on a test's own database through the run's
 * cluster (never stopped: other files share it): no new connections, every open one terminated.
 */
const asAdmin = <A, E>(run: (sql: PgClient.PgClient) => Effect.Effect<A, E>) =>
  Effect.flatMap(PgClient.PgClient, run).pipe(
    Effect.provide(PgClient.layer({ url: Redacted.make(inject("pgAdminUrl")), maxConnections: 1 })),
    Effect.orDie
  )

const databaseName = (url: string) => {
  const name = decodeURIComponent(new URL(url).pathname.slice(1))
  if (!/^t_[0-9a-f]+$/.test(name)) throw new Error(`not a test database: ${name}`)
  return name
}

export const terminateConnections = (url: string) =>
  asAdmin((sql) => sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE datname = ${databaseName(url)} AND pid <> pg_backend_pid()`).pipe(Effect.asVoid)

export const refuseConnections = (url: string) =>
  asAdmin((sql) => sql.unsafe(`ALTER DATABASE ${databaseName(url)} ALLOW_CONNECTIONS false`)).pipe(
    Effect.zipRight(terminateConnections(url))
  )

export const allowConnections = (url: string) =>
  asAdmin((sql) => sql.unsafe(`ALTER DATABASE ${databaseName(url)} ALLOW_CONNECTIONS true`)).pipe(Effect.asVoid)

/**
 * Refuses connections, then terminates any that slipped in, until `stopped` says the turn noticed
 * (a connection opened just before the ALTER outlives it). Connections come back with the scope.
 */
export const cutUntil = (url: string, stopped: () => Promise<boolean>) =>
  Effect.gen(function* () {
    yield* Effect.addFinalizer(() => allowConnections(url))
    yield* refuseConnections(url)
    yield* terminateConnections(url).pipe(
      Effect.zipRight(Effect.promise(stopped)),
      Effect.repeat({ until: (done) => done }),
      Effect.timeoutFail({ duration: "30 seconds", onTimeout: () => new Error("the turn never noticed the outage") })
    )
  })
