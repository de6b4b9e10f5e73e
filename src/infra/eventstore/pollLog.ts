import { SqlClient } from "@effect/sql"
import { Effect, Schema } from "effect"
import type { PollResult } from "./wakeRegistry.ts"

const Row = Schema.Struct({
  head: Schema.NumberFromString,
  versions: Schema.parseJson(Schema.Record({ key: Schema.String, value: Schema.Number }))
})
const decodeRows = Schema.decodeUnknown(Schema.Array(Row))

/**
 * The one statement a poll costs, whatever the number of readers: the log's highest position and
 * the version of each stream that has a reader (unknown streams are left out, i.e. version 0).
 */
export const pollLog = (streamIds: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql`
      SELECT coalesce((SELECT max(global_position) FROM events), 0)::text AS head,
             coalesce((SELECT json_object_agg(stream_id, version) FROM streams
                       WHERE stream_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(streamIds)}::jsonb))),
                      '{}')::text AS versions`.pipe(Effect.flatMap(decodeRows))
    const row = rows[0]
    const result: PollResult = {
      head: row?.head ?? 0,
      versions: new Map(Object.entries(row?.versions ?? {}))
    }
    return result
  })
