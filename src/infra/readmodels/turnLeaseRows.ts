import type { SqlClient } from "@effect/sql"
import type { AssistantMessageContinued, AssistantMessageStarted } from "../../domain/index.ts"
import { cancelChannel } from "../eventstore/channels.ts"


/** The lease of a turn that starts with an owner: claimed in the start's own transaction. */
export const claimLease = (sql: SqlClient.SqlClient, event: AssistantMessageStarted | AssistantMessageContinued) =>
  event.owner === undefined
    ? sql`DELETE FROM turn_leases WHERE session_id = ${event.session_id}`
    : sql`INSERT INTO turn_leases (session_id, message_id, instance_id, epoch, expires_at)
        VALUES (${event.session_id}, ${event.message_id}, ${event.owner.instance_id}, ${event.owner.epoch},
          now() + ${event.owner.lease_ms} * interval '1 millisecond')
        ON CONFLICT (session_id) DO UPDATE SET message_id = excluded.message_id, instance_id = excluded.instance_id,
          epoch = excluded.epoch, expires_at = excluded.expires_at, cancel_requested = false`

/** The turn ended (or its session or message went away): nobody owns it any more. */
export const releaseLease = (sql: SqlClient.SqlClient, sessionId: string) =>
  sql`DELETE FROM turn_leases WHERE session_id = ${sessionId}`

/** Marks the turn for its owner, who hears of it at once by NOTIFY or at its next renewal. */
export const flagCancel = (sql: SqlClient.SqlClient, sessionId: string, messageId: string) =>
  sql`WITH flagged AS (UPDATE turn_leases SET cancel_requested = true
        WHERE session_id = ${sessionId} AND message_id = ${messageId} RETURNING session_id)
      SELECT pg_notify(${cancelChannel}, session_id::text) FROM flagged`
