import { SqlClient } from "@effect/sql"
import { Effect, Schema } from "effect"

const Batch = Schema.Struct({ offset: Schema.Number, text: Schema.String })
const decodeRows = Schema.decodeUnknown(Schema.Array(Schema.Struct({ data: Batch })))

/**
 * Where a message's persisted text (or reasoning) ended at `upTo`: the end of its last batch at or
 * before that version, 0 when it had none. For the rare client that resumes a streaming message
 * without saying how much of it it has.
 */
export const persistedEnd = (streamId: string, messageId: string, kind: "text" | "reasoning", upTo: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const type = kind === "text" ? "TextDelta" : "ReasoningDelta"
    const rows = yield* sql`SELECT data FROM events
      WHERE stream_id = ${streamId} AND stream_version <= ${upTo} AND type = ${type} AND data->>'message_id' = ${messageId}
      ORDER BY stream_version DESC LIMIT 1`.pipe(Effect.flatMap(decodeRows))
    const last = rows[0]
    return last === undefined ? 0 : last.data.offset + last.data.text.length
  }).pipe(Effect.orDie)
