import { PgClient } from "@effect/sql-pg"
import { Config, Context, Duration, Effect, Layer, Option, Redacted, SubscriptionRef } from "effect"
import * as os from "node:os"
import * as path from "node:path"
import { DatabaseHealth } from "./DatabaseHealth.ts"
import { acquireEmbeddedCluster } from "./EmbeddedCluster.ts"
import { connectionName, InstanceIdConfig } from "../instance/Instance.ts"

/** Where the data lives, for logs: never the password. */
export class DatabaseInfo extends Context.Tag("DatabaseInfo")<DatabaseInfo, { readonly description: string }>() {}

export const defaultDataDir = () => {
  const base = process.env.XDG_DATA_HOME ?? path.join(os.homedir(), ".local", "share")
  return path.join(base, "boocode")
}

const DatabaseConfig = Config.all({
  url: Config.option(Config.redacted("DATABASE_URL")),
  dataDir: Config.string("BOOCODE_DATA_DIR").pipe(Config.withDefault(defaultDataDir())),
  maxConnections: Config.integer("BOOCODE_DB_POOL").pipe(Config.withDefault(20)),
  connectTimeout: Config.integer("BOOCODE_DB_CONNECT_TIMEOUT_MS").pipe(
    Config.validate({ message: "BOOCODE_DB_CONNECT_TIMEOUT_MS must be a positive integer", validation: (n) => n > 0 }),
    Config.withDefault(5000),
    Config.map(Duration.millis)
  ),
  instanceId: InstanceIdConfig,
  restartAttempts: Config.integer("BOOCODE_PG_RESTARTS").pipe(
    Config.validate({ message: "BOOCODE_PG_RESTARTS must be 0 or more", validation: (n) => n >= 0 }),
    Config.withDefault(5)
  )
})
type DatabaseConfig = Config.Config.Success<typeof DatabaseConfig>

const describeUrl = (url: string) => {
  try {
    const u = new URL(url)
    return `PostgreSQL at ${u.hostname}:${u.port || "5432"}${u.pathname}`
  } catch {
    return "PostgreSQL from DATABASE_URL"
  }
}

/** The pool: a connection attempt gives up after connectTimeout, so no query waits long on a dead server. */
const pgLayer = (url: Redacted.Redacted, config: DatabaseConfig) =>
  PgClient.layer({
    url,
    maxConnections: config.maxConnections,
    connectTimeout: config.connectTimeout,
    applicationName: connectionName(config.instanceId)
  })

/**
 * PostgreSQL for the app, with its DatabaseHealth: DATABASE_URL when set, else the embedded cluster
 * in BOOCODE_DATA_DIR, which this process starts, supervises and stops with the layer, unless
 * another live process runs it already (then it is used as it is).
 */
export const DatabaseLive = Layer.unwrapScoped(
  Effect.gen(function* () {
    const config = yield* DatabaseConfig
    const availability = yield* SubscriptionRef.make(true)
    const withHealth = (pg: ReturnType<typeof pgLayer>, description: string) =>
      DatabaseHealth.layerWith(availability).pipe(
        Layer.provideMerge(pg),
        Layer.merge(Layer.succeed(DatabaseInfo, { description }))
      )
    if (Option.isSome(config.url)) {
      const url = config.url.value
      return withHealth(pgLayer(url, config), describeUrl(Redacted.value(url)))
    }
    const { cluster, joined } = yield* acquireEmbeddedCluster(config.dataDir, {
      database: "boocode",
      restartAttempts: config.restartAttempts,
      onDown: () => SubscriptionRef.set(availability, false)
    })
    const where = `embedded PostgreSQL in ${cluster.dataDir} on 127.0.0.1:${cluster.port}`
    return withHealth(
      pgLayer(Redacted.make(cluster.url("boocode")), config),
      Option.match(joined, { onNone: () => where, onSome: (pid) => `${where}, run by process ${pid}` })
    )
  })
)
