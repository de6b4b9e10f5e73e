import { Args, Command, Options } from "@effect/cli"
import { Console, Duration, Effect, Layer, Logger } from "effect"
import { DatabaseInfo, DatabaseLive } from "../infra/db/Database.ts"
import { MigrationsLive, runMigrations } from "../infra/db/Migrations.ts"
import { rebuildReadModels } from "../infra/readmodels/rebuildReadModels.ts"
import { verifyAll } from "../infra/readmodels/verifyAll.ts"
import { RepositoriesLive } from "../infra/repositories/RepositoriesLive.ts"
import { replaySession } from "./replay.ts"
import { exportSession, parseSessionId } from "./sessionExport.ts"
import { findVerb } from "./verbs.ts"

/**
 * The log and its read models, migrated, without the server or the LLM. On the data folder of a
 * running server, the verbs use its cluster (DatabaseLive joins it) and leave it running.
 */
const LogLive = RepositoriesLive.pipe(Layer.provideMerge(MigrationsLive), Layer.provideMerge(DatabaseLive))

/** export and replay print data: stdout is kept for it, and their logs (migrations applied...) go to stderr. */
const LogsOnStderr = Logger.replace(Logger.defaultLogger, Logger.prettyLogger({ stderr: true }))

const printingFromTheLog = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(Effect.provide(LogLive), Effect.provide(LogsOnStderr))

const described = (name: string) => Command.withDescription(findVerb(name)?.summary ?? "")

const write = (text: string) => Effect.async<void>((resume) => {
  process.stdout.write(text, () => resume(Effect.void))
})

/** Loaded when serving only: the other verbs need the log, not the HTTP server. */
const serve = Command.make("serve", {}, () =>
  Effect.flatMap(Effect.promise(() => import("../AppLive.ts")), ({ AppLive }) => Layer.launch(AppLive))
).pipe(described("serve"))

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
).pipe(described("migrate"))

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
).pipe(described("verify"))

const rebuild = Command.make("rebuild", {}, () =>
  Effect.gen(function* () {
    const { streams, events } = yield* rebuildReadModels
    yield* Console.log(`rebuild: replayed ${events} events from ${streams} streams into the read models`)
  }).pipe(Effect.provide(LogLive))
).pipe(described("rebuild"))

const session = Args.text({ name: "SESSION" })

const exportVerb = Command.make(
  "export",
  { session, format: Options.choice("format", ["md", "json", "ndjson"]).pipe(Options.withDefault("md" as const)) },
  ({ format, session }) =>
    Effect.gen(function* () {
      const id = yield* parseSessionId(session)
      const text = yield* printingFromTheLog(exportSession(id, format))
      yield* write(text.endsWith("\n") || text === "" ? text : text + "\n")
    })
).pipe(described("export"))

const replay = Command.make(
  "replay",
  {
    session,
    speed: Options.float("speed").pipe(Options.withDefault(1)),
    maxPause: Options.float("max-pause").pipe(Options.withDefault(5))
  },
  ({ maxPause, session, speed }) =>
    Effect.gen(function* () {
      const id = yield* parseSessionId(session)
      yield* printingFromTheLog(replaySession(id, { speed, maxPause: Duration.seconds(Math.max(0, maxPause)) }, write))
    })
).pipe(described("replay"))

export const boocode = Command.make("boocode").pipe(
  Command.withSubcommands([serve, migrate, verify, rebuild, exportVerb, replay])
)
