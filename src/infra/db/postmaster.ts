import { Deferred, Duration, Effect, Exit, Option } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { EmbeddedPostgresError } from "./EmbeddedPostgresError.ts"

export interface PostmasterExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/** A running PostgreSQL server process that this process started and owns. */
export interface Postmaster {
  readonly pid: number
  /** Completes when the process has exited, for whatever reason. */
  readonly exited: Effect.Effect<PostmasterExit>
  /** Fast shutdown (SIGINT), SIGKILL after `grace`; returns at once when it has already exited. */
  readonly stop: (grace: Duration.DurationInput) => Effect.Effect<void>
}

export interface PostmasterOptions {
  readonly binary: string
  readonly clusterDir: string
  readonly port: number
  readonly flags: ReadonlyArray<string>
  /** The owner of the data folder, when running as root (Postgres refuses to run as root). */
  readonly runAs: Option.Option<{ readonly uid: number; readonly gid: number }>
  readonly onLog: (line: string) => void
  /** How long the server may take to accept connections. */
  readonly startTimeout: Duration.DurationInput
}

const READY = "database system is ready to accept connections"

export const describeExit = (exit: PostmasterExit) =>
  exit.signal !== null ? `killed by ${exit.signal}` : `exited with code ${exit.code ?? "unknown"}`

/**
 * Starts `postgres -D clusterDir -p port` and waits until it accepts connections. Spawned in its
 * own process group, so a Ctrl-C meant for BooCode does not also stop Postgres behind its back:
 * stopping it is the owner's job (`stop`), and any other exit is a death the owner can see.
 */
export const startPostmaster = (options: PostmasterOptions): Effect.Effect<Postmaster, EmbeddedPostgresError> =>
  Effect.gen(function* () {
    const exited = yield* Deferred.make<PostmasterExit>()
    const recent: Array<string> = []
    const child = yield* Effect.async<ChildProcess, EmbeddedPostgresError>((resume) => {
      let settled = false
      const proc = spawn(
        options.binary,
        ["-D", options.clusterDir, "-p", String(options.port), ...options.flags],
        {
          detached: true,
          stdio: ["ignore", "ignore", "pipe"],
          env: { ...process.env, LC_MESSAGES: "C" },
          ...Option.getOrUndefined(options.runAs)
        }
      )
      proc.stderr?.setEncoding("utf8")
      proc.stderr?.on("data", (chunk: string) => {
        for (const line of chunk.split("\n")) {
          if (line.trim() === "") continue
          options.onLog(line)
          recent.push(line.trim())
          if (recent.length > 8) recent.shift()
        }
        if (!settled && chunk.includes(READY)) {
          settled = true
          resume(Effect.succeed(proc))
        }
      })
      proc.on("error", (error) => {
        if (settled) return
        settled = true
        resume(Effect.fail(new EmbeddedPostgresError({ message: `cannot run ${options.binary}: ${error.message}` })))
      })
      proc.on("exit", (code, signal) => {
        Deferred.unsafeDone(exited, Exit.succeed({ code, signal }))
        if (settled) return
        settled = true
        const log = recent.join("\n")
        resume(
          Effect.fail(
            new EmbeddedPostgresError({
              message: `PostgreSQL ${describeExit({ code, signal })} while starting${log === "" ? "" : `:\n${log}`}`
            })
          )
        )
      })
      // Interrupted while starting (shutdown, or the start timed out): do not leave it running.
      return Effect.sync(() => {
        if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL")
      })
    }).pipe(
      Effect.timeoutFail({
        duration: options.startTimeout,
        onTimeout: () =>
          new EmbeddedPostgresError({
            message: `PostgreSQL did not accept connections within ${Duration.format(options.startTimeout)}:\n${recent.join("\n")}`
          })
      })
    )

    const hasExited = () => child.exitCode !== null || child.signalCode !== null
    const stop = (grace: Duration.DurationInput) =>
      Effect.gen(function* () {
        if (hasExited()) return
        child.kill("SIGINT")
        const gone = yield* Deferred.await(exited).pipe(Effect.timeoutOption(grace))
        if (Option.isSome(gone) || hasExited()) return
        yield* Effect.logWarning(`PostgreSQL (pid ${child.pid}) did not stop within ${Duration.format(grace)}; killing it`)
        child.kill("SIGKILL")
        yield* Deferred.await(exited).pipe(Effect.timeoutOption("1 second"))
      })

    return { pid: child.pid ?? 0, exited: Deferred.await(exited), stop }
  })
