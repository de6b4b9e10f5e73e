import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/** The session's sampling settings in its read-model row (lists and lifecycle frames show them too). */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`ALTER TABLE sessions ADD COLUMN generation jsonb NOT NULL
    DEFAULT '{"temperature": null, "top_p": null, "max_tokens": null, "extra": null}'::jsonb`
})
