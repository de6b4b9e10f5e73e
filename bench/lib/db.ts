import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Effect, Exit, Layer, ManagedRuntime, Redacted, Scope } from "effect"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { acquireEmbeddedCluster } from "../../src/infra/db/EmbeddedCluster.ts"
import { runMigrations } from "../../src/infra/db/Migrations.ts"
import { LocalWakes } from "../../src/infra/eventstore/LocalWakes.ts"
import { Instance } from "../../src/infra/instance/Instance.ts"
import { EventStore } from "../../src/infra/eventstore/EventStore.ts"

export interface BenchCluster {
  readonly url: (database: string) => string
  readonly dataDir: string
  /** A new, empty database; returns its URL. */
  readonly newDatabase: (name: string) => Promise<string>
  /** Current WAL insert position as text (pg_current_wal_lsn). */
  readonly walLsn: () => Promise<string>
  /** Bytes of WAL between two positions (pg_wal_lsn_diff). */
  readonly walDiff: (to: string, from: string) => Promise<number>
  readonly serverVersion: string
  /** Runs one statement as the cluster's superuser (settings, CHECKPOINT). */
  readonly exec: (statement: string) => Promise<void>
  readonly close: () => Promise<void>
}

/** A real PostgreSQL cluster in a temporary folder, removed on close. */
export const startCluster = async (): Promise<BenchCluster> => {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), "boocode-bench-pg-"))
  const scope = Effect.runSync(Scope.make())
  const { cluster, createDatabase } = await Effect.runPromise(Scope.extend(acquireEmbeddedCluster(base), scope))
  const admin = ManagedRuntime.make(PgClient.layer({ url: Redacted.make(cluster.url("postgres")), maxConnections: 2 }))
  const query = <A extends object>(text: string) =>
    admin.runPromise(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text)))
  const versionRows = await query<{ server_version: string }>("SHOW server_version")
  return {
    url: cluster.url,
    dataDir: cluster.dataDir,
    newDatabase: async (name) => {
      await Effect.runPromise(createDatabase(name))
      return cluster.url(name)
    },
    walLsn: async () => (await query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn"))[0].lsn,
    walDiff: async (to, from) =>
      Number((await query<{ d: string }>(`SELECT pg_wal_lsn_diff('${to}', '${from}')::text AS d`))[0].d),
    serverVersion: versionRows[0]?.server_version ?? "unknown",
    exec: async (statement) => void (await query(statement)),
    close: async () => {
      await admin.dispose()
      await Effect.runPromise(Scope.close(scope, Exit.void))
      await fs.rm(base, { recursive: true, force: true })
    }
  }
}

/**
 * PgClient + migrations + EventStore on one database, wired as the app wires it when it is the
 * only instance: appends wake readers in process and send no NOTIFY.
 */
export const storeLayer = (url: string, maxConnections = 20) =>
  EventStore.layer.pipe(
    Layer.provideMerge(Layer.merge(Instance.layer, LocalWakes.layer)),
    Layer.provideMerge(Layer.effectDiscard(runMigrations)),
    Layer.provideMerge(PgClient.layer({ url: Redacted.make(url), maxConnections }))
  )

export const storeRuntime = (url: string, maxConnections = 20) => ManagedRuntime.make(storeLayer(url, maxConnections))
