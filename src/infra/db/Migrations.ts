import { PgMigrator } from "@effect/sql-pg"
import { NodeContext } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { migrations } from "../../../migrations/index.ts"

export const runMigrations = PgMigrator.run({ loader: migrations }).pipe(
  Effect.provide(NodeContext.layer),
  Effect.withSpan("Database.migrate")
)

/** Runs pending migrations when built; nothing to provide afterwards. */
export const MigrationsLive = Layer.effectDiscard(
  runMigrations.pipe(
    Effect.tap((applied) =>
      applied.length > 0
        ? Effect.logInfo(`applied migrations: ${applied.map(([id, name]) => `${id}_${name}`).join(", ")}`)
        : Effect.void
    )
  )
)
