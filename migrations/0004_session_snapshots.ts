import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * One snapshot per session: its folded state as of `version`, written at terminal events, so a
 * load reads the snapshot and only the events after it. A read model like the others: it can be
 * dropped and rebuilt from the log. `schema_version` names the shape of `state`; a reader that
 * does not know it folds the log instead. `json`, not `jsonb`: the state is only ever read whole,
 * and `json` hands back the stored text without converting it.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE session_snapshots (
      session_id     uuid PRIMARY KEY,
      version        bigint NOT NULL,
      schema_version integer NOT NULL,
      state          json NOT NULL,
      written_at     timestamptz NOT NULL DEFAULT now()
    )`
})
