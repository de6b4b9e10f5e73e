import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { SessionId } from "../../domain/index.ts"

/** Whether a session exists and is not deleted: one indexed read of the sessions read model, no fold. */
export const sessionExists = (id: SessionId) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql<{ n: number }>`SELECT 1 AS n FROM sessions WHERE id = ${id} AND NOT deleted`.pipe(Effect.map((rows) => rows.length > 0))
  )
