import { PgClient } from "@effect/sql-pg"
import { Context, Effect, Layer, Redacted } from "effect"
import { randomUUID } from "node:crypto"
import { inject } from "vitest"
import { runMigrations } from "../../src/infra/db/Migrations.ts"

/** Creates a fresh, empty database in the run's cluster and returns its URL. */
export const freshDatabaseUrl = Effect.gen(function* () {
  const name = `t_${randomUUID().replaceAll("-", "")}`
  yield* Effect.flatMap(PgClient.PgClient, (sql) => sql.unsafe(`CREATE DATABASE ${name}`)).pipe(
    Effect.provide(PgClient.layer({ url: Redacted.make(inject("pgAdminUrl")), maxConnections: 1 })),
    Effect.orDie
  )
  return inject("pgUrlTemplate").replace("DATABASE", name)
})

/** The URL of the test file's database, for child processes that must use the same one. */
export class TestDatabaseUrl extends Context.Tag("test/TestDatabaseUrl")<TestDatabaseUrl, string>() {}

/** PgClient on a fresh migrated database: one per test file. */
export const TestDatabaseLive = Layer.unwrapEffect(
  Effect.map(freshDatabaseUrl, (url) =>
    Layer.effectDiscard(runMigrations).pipe(
      Layer.provideMerge(PgClient.layer({ url: Redacted.make(url), maxConnections: 20 })),
      Layer.merge(Layer.succeed(TestDatabaseUrl, url))
    )
  )
)
