import { SqlClient } from "@effect/sql"
import { Effect, Schema } from "effect"
import { MessageId, SessionId } from "../../domain/index.ts"
import type { SessionRepository } from "../../infra/repositories/SessionRepository.ts"
import { nowIso } from "../now.ts"

const OpenTurn = Schema.Struct({ id: SessionId, open_message_id: MessageId })

/** Turns the log shows as open were left by a process that died: close them as interrupted. */
export const recoverOpenTurns = (sessions: typeof SessionRepository.Service) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql`SELECT id::text, open_message_id::text FROM sessions
      WHERE open_message_id IS NOT NULL AND NOT deleted`.pipe(
      Effect.flatMap(Schema.decodeUnknown(Schema.Array(OpenTurn))),
      Effect.orDie
    )
    for (const row of rows) {
      const at = yield* nowIso
      yield* sessions
        .execute(row.id, () => ({
          _tag: "InterruptMessage",
          session_id: row.id,
          message_id: row.open_message_id,
          reason: "the server stopped before this answer was finished",
          at
        }))
        .pipe(Effect.catchAll((e) => Effect.logWarning(`could not close turn ${row.open_message_id}: ${e.message}`)))
    }
    if (rows.length > 0) yield* Effect.logInfo(`closed ${rows.length} turn(s) left open by an earlier run`)
  }).pipe(Effect.withSpan("TurnRunner.recover"))
