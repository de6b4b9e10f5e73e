import { Command } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { AppLive } from "./AppLive.ts"
import { DatabaseInfo, DatabaseLive } from "./infra/db/Database.ts"
import { runMigrations } from "./infra/db/Migrations.ts"

const serve = Command.make("serve", {}, () => Layer.launch(AppLive)).pipe(
  Command.withDescription("Run the BooCode server (migrations first).")
)

const migrate = Command.make("migrate", {}, () =>
  Effect.gen(function* () {
    const info = yield* DatabaseInfo
    const applied = yield* runMigrations
    yield* Effect.logInfo(
      applied.length === 0
        ? `${info.description}: already up to date`
        : `${info.description}: applied ${applied.map(([id, name]) => `${id}_${name}`).join(", ")}`
    )
  }).pipe(Effect.provide(DatabaseLive))
).pipe(Command.withDescription("Apply pending database migrations."))

const boocode = Command.make("boocode").pipe(Command.withSubcommands([serve, migrate]))

const cli = Command.run(boocode, { name: "boocode", version: "0.1.0" })

cli(process.argv).pipe(Effect.provide(NodeContext.layer), NodeRuntime.runMain)
