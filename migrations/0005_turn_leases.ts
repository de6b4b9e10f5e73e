import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Several instances on one database. `turn_leases`: the running turn of a session, who owns it
 * (instance, epoch) and until when; written in the transaction of the append that starts or ends
 * the turn, renewed by its owner, and taken over (the turn closed as interrupted) by any instance
 * once it has expired. `cancel_requested` carries a cancel posted to another instance to the owner.
 * Which instances are alive is read from their connections (application_name), not written.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE turn_leases (
      session_id       uuid PRIMARY KEY,
      message_id       uuid NOT NULL,
      instance_id      text NOT NULL,
      epoch            bigint NOT NULL,
      expires_at       timestamptz NOT NULL,
      cancel_requested boolean NOT NULL DEFAULT false
    )`
  yield* sql`CREATE INDEX turn_leases_instance ON turn_leases (instance_id)`
  // Every tick looks for open turns without a lease: only sessions with an open turn are indexed.
  yield* sql`CREATE INDEX sessions_open_turn ON sessions (id) WHERE open_message_id IS NOT NULL`
})
