import { SqlClient } from "@effect/sql"
import { Duration, Effect, Schema } from "effect"
import { MessageId, SessionId } from "../../../domain/index.ts"
import { connectionName } from "../../../infra/instance/Instance.ts"
import type { LeaseConfig } from "./LeaseConfig.ts"

const Row = Schema.Struct({
  kind: Schema.Literal("mine", "expired", "orphan", "others"),
  session_id: Schema.NullOr(SessionId),
  message_id: Schema.NullOr(MessageId),
  cancel_requested: Schema.Boolean,
  others: Schema.NullOr(Schema.NumberFromString)
})

/** Open turns without a lease (started before turns had owners), as session_id, message_id. */
const unleased = (sql: SqlClient.SqlClient) =>
  sql`SELECT s.id::text AS session_id, s.open_message_id::text AS message_id FROM sessions s
    WHERE s.open_message_id IS NOT NULL AND NOT s.deleted
      AND NOT EXISTS (SELECT 1 FROM turn_leases l WHERE l.session_id = s.id)`

export interface OpenTurn {
  readonly session_id: SessionId
  readonly message_id: MessageId
}

export interface TickResult {
  /** This instance's turns whose leases it still holds (renewed now), and whether a cancel was asked of each. */
  readonly mine: ReadonlyMap<SessionId, { readonly message_id: MessageId; readonly cancel_requested: boolean }>
  /** Other instances' turns whose leases ran out: their owners are gone. */
  readonly expired: ReadonlyArray<OpenTurn>
  /** Open turns without a lease (started before turns had owners). */
  readonly orphans: ReadonlyArray<OpenTurn>
  /** Other instances alive now. */
  readonly others: number
}

/**
 * One statement per tick, however many turns run: the renewal of this instance's leases, what
 * the other instances left behind, and how many others are connected.
 */
export const leaseTick = (config: LeaseConfig & { readonly instanceId: string }) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const leaseMs = Duration.toMillis(config.lease)
    const rows = yield* sql`
      WITH renewed AS (
        UPDATE turn_leases SET expires_at = now() + ${leaseMs} * interval '1 millisecond'
        WHERE instance_id = ${config.instanceId} RETURNING session_id, message_id, cancel_requested)
      SELECT 'mine' AS kind, session_id::text, message_id::text, cancel_requested, NULL AS others FROM renewed
      UNION ALL
      SELECT 'expired', session_id::text, message_id::text, false, NULL FROM turn_leases
        WHERE expires_at < now() AND instance_id <> ${config.instanceId}
      UNION ALL
      SELECT 'orphan', session_id, message_id, false, NULL FROM (${unleased(sql)}) orphans
      UNION ALL
      SELECT 'others', NULL, NULL, false, count(DISTINCT application_name)::text FROM pg_stat_activity
        WHERE datname = current_database() AND application_name LIKE 'boocode:%'
          AND application_name <> ${connectionName(config.instanceId)}`.pipe(
      Effect.flatMap(Schema.decodeUnknown(Schema.Array(Row))),
      Effect.orDie
    )
    const mine = new Map<SessionId, { message_id: MessageId; cancel_requested: boolean }>()
    const expired: Array<OpenTurn> = []
    const orphans: Array<OpenTurn> = []
    let others = 0
    for (const row of rows) {
      if (row.kind === "others") others = row.others ?? 0
      else if (row.session_id !== null && row.message_id !== null) {
        const turn = { session_id: row.session_id, message_id: row.message_id }
        if (row.kind === "mine") mine.set(row.session_id, { message_id: row.message_id, cancel_requested: row.cancel_requested })
        else (row.kind === "expired" ? expired : orphans).push(turn)
      }
    }
    return { mine, expired, orphans, others } satisfies TickResult
  })

/** Turns a previous life of this instance left open (it died without closing them), and turns without a lease. */
export const leftOpen = (instanceId: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* sql`
      SELECT session_id::text, message_id::text FROM turn_leases WHERE instance_id = ${instanceId}
      UNION ALL
      SELECT session_id, message_id FROM (${unleased(sql)}) orphans`.pipe(
      Effect.flatMap(Schema.decodeUnknown(Schema.Array(Schema.Struct({ session_id: SessionId, message_id: MessageId })))),
      Effect.orDie
    )
  })

/** Who holds a session's turn now, and whether that lease is still alive. */
export const leaseOf = (sessionId: SessionId) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql`SELECT instance_id, expires_at > now() AS live FROM turn_leases WHERE session_id = ${sessionId}`.pipe(
      Effect.flatMap(Schema.decodeUnknown(Schema.Array(Schema.Struct({ instance_id: Schema.String, live: Schema.Boolean })))),
      Effect.orDie
    )
    return rows[0]
  })
