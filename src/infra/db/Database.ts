import { PgClient } from "@effect/sql-pg"
import { Config, Context, Effect, Layer, Option, Redacted } from "effect"
import * as os from "node:os"
import * as path from "node:path"
import { acquireEmbeddedCluster } from "./EmbeddedCluster.ts"

/** Where the data lives, for logs: never the password. */
export class DatabaseInfo extends Context.Tag("DatabaseInfo")<DatabaseInfo, { readonly description: string }>() {}

export const defaultDataDir = () => {
  const base = process.env.XDG_DATA_HOME ?? path.join(os.homedir(), ".local", "share")
  return path.join(base, "boocode")
}

const DatabaseConfig = Config.all({
  url: Config.option(Config.redacted("DATABASE_URL")),
  dataDir: Config.string("BOOCODE_DATA_DIR").pipe(Config.withDefault(defaultDataDir())),
  maxConnections: Config.integer("BOOCODE_DB_POOL").pipe(Config.withDefault(20))
})

const describeUrl = (url: string) => {
  try {
    const u = new URL(url)
    return `PostgreSQL at ${u.hostname}:${u.port || "5432"}${u.pathname}`
  } catch {
    return "PostgreSQL from DATABASE_URL"
  }
}

const pgLayer = (url: Redacted.Redacted, maxConnections: number) =>
  PgClient.layer({ url, maxConnections, applicationName: "boocode" })

/**
 * PostgreSQL for the app: DATABASE_URL when set, else an embedded cluster in BOOCODE_DATA_DIR that
 * lives as long as the layer.
 */
export const DatabaseLive = Layer.unwrapScoped(
  Effect.gen(function* () {
    const config = yield* DatabaseConfig
    if (Option.isSome(config.url)) {
      const url = config.url.value
      return Layer.merge(
        pgLayer(url, config.maxConnections),
        Layer.succeed(DatabaseInfo, { description: describeUrl(Redacted.value(url)) })
      )
    }
    const { cluster, createDatabase } = yield* acquireEmbeddedCluster(config.dataDir)
    // Fails harmlessly when the database exists from an earlier start.
    yield* createDatabase("boocode").pipe(Effect.ignore)
    return Layer.merge(
      pgLayer(Redacted.make(cluster.url("boocode")), config.maxConnections),
      Layer.succeed(DatabaseInfo, {
        description: `embedded PostgreSQL in ${cluster.dataDir} on 127.0.0.1:${cluster.port}`
      })
    )
  })
)
