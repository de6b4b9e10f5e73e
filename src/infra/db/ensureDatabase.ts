import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Effect, Redacted } from "effect"
import { EmbeddedPostgresError } from "./EmbeddedPostgresError.ts"

const NAME = /^[a-z_][a-z0-9_]*$/

/** PostgreSQL's code for "database already exists": another process created it first. */
const DUPLICATE_DATABASE = "42P04"

const isDuplicate = (cause: unknown) =>
  cause instanceof Error && "code" in cause && cause.code === DUPLICATE_DATABASE

/** Creates database `name` through the maintenance database at `adminUrl` unless it exists. */
export const ensureDatabase = (adminUrl: string, name: string) =>
  Effect.gen(function* () {
    if (!NAME.test(name)) return yield* new EmbeddedPostgresError({ message: `not a plain database name: ${name}` })
    const sql = yield* SqlClient.SqlClient
    const found = yield* sql`SELECT 1 FROM pg_database WHERE datname = ${name}`
    if (found.length > 0) return
    yield* sql.unsafe(`CREATE DATABASE ${name}`).pipe(
      Effect.catchIf((e) => isDuplicate(e.cause), () => Effect.void)
    )
  }).pipe(
    Effect.provide(PgClient.layer({ url: Redacted.make(adminUrl), maxConnections: 1 })),
    Effect.catchTag("SqlError", (e) =>
      new EmbeddedPostgresError({
        message: `embedded PostgreSQL: create database ${name} failed: ${e.cause instanceof Error ? e.cause.message : e.message}`
      })
    )
  )
