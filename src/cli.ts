import { Command } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer } from "effect"
import { AppLive } from "./AppLive.ts"
import { exitWithinDeadlineOnSignal, reportFailure } from "./processEdge.ts"
import { DatabaseInfo, DatabaseLive } from "./infra/db/Database.ts"
import { MigrationsLive, runMigrations } from "./infra/db/Migrations.ts"
import { rebuildReadModels } from "./infra/readmodels/rebuildReadModels.ts"
import { verifyAll } from "./infra/readmodels/verifyAll.ts"
import { RepositoriesLive } from "./infra/repositories/RepositoriesLive.ts"

/**
 * The log and its read models, migrated, without the server or the LLM. On the data folder of a
 * running server, the verbs use its cluster (DatabaseLive joins it) and leave it running.
 */
const LogLive = RepositoriesLive.pipe(Layer.provideMerge(MigrationsLive), Layer.provideMerge(DatabaseLive))

const serve = Command.make("serve", {}, () => Layer.launch(AppLive)).pipe(
  Command.withDescription("Run the BooCode server (migrations first).")
)

const migrate = Command.make("migrate", {}, () =>
  Effect.gen(function* () {
    const info = yield* DatabaseInfo
    const applied = yield* runMigrations
    yield* Console.log(
      applied.length === 0
        ? `${info.description}: already up to date`
        : `${info.description}: applied ${applied.map(([id, name]) => `${id}_${name}`).join(", ")}`
    )
  }).pipe(Effect.provide(DatabaseLive))
).pipe(Command.withDescription("Apply pending database migrations."))

const verify = Command.make("verify", {}, () =>
  Effect.gen(function* () {
    const problems = yield* verifyAll
    if (problems.length === 0) return yield* Console.log("verify: every hash chain holds and the read models match the log")
    for (const problem of problems) yield* Console.error(problem)
    yield* Console.error(`verify: ${problems.length} problem(s) found`)
    return yield* Effect.sync(() => {
      process.exitCode = 1
    })
  }).pipe(Effect.provide(LogLive))
).pipe(Command.withDescription("Check the hash chains and compare the read models with the log; exit 1 on any difference."))

const rebuild = Command.make("rebuild", {}, () =>
  Effect.gen(function* () {
    const { streams, events } = yield* rebuildReadModels
    yield* Console.log(`rebuild: replayed ${events} events from ${streams} streams into the read models`)
  }).pipe(Effect.provide(LogLive))
).pipe(Command.withDescription("Recreate the read-model tables from the log."))

const boocode = Command.make("boocode").pipe(Command.withSubcommands([serve, migrate, verify, rebuild]))

const cli = Command.run(boocode, { name: "boocode", version: "0.1.0" })

exitWithinDeadlineOnSignal()

cli(process.argv).pipe(
  Effect.provide(NodeContext.layer),
  Effect.tapErrorCause(reportFailure),
  NodeRuntime.runMain({ disableErrorReporting: true })
)
