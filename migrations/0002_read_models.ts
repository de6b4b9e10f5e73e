import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Read models kept in step with the log inside the append's transaction. A streaming message's
 * text is written once, at its terminal event; until then readers assemble it from its deltas.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE projects (
      id         uuid PRIMARY KEY,
      name       text NOT NULL,
      path       text NOT NULL,
      removed    boolean NOT NULL DEFAULT false,
      version    bigint NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`
  yield* sql`CREATE UNIQUE INDEX projects_path_active ON projects (path) WHERE NOT removed`
  yield* sql`
    CREATE TABLE sessions (
      id            uuid PRIMARY KEY,
      project_id    uuid NOT NULL,
      name          text NOT NULL,
      name_by       text NOT NULL,
      model         text,
      system_prompt text NOT NULL,
      forked_from   jsonb,
      open_message_id uuid,
      deleted       boolean NOT NULL DEFAULT false,
      version       bigint NOT NULL,
      created_at    timestamptz NOT NULL,
      updated_at    timestamptz NOT NULL,
      search        tsvector GENERATED ALWAYS AS (to_tsvector('simple', name)) STORED
    )`
  yield* sql`CREATE INDEX sessions_project ON sessions (project_id, updated_at DESC) WHERE NOT deleted`
  yield* sql`CREATE INDEX sessions_search ON sessions USING gin (search)`
  yield* sql`
    CREATE TABLE messages (
      id            uuid NOT NULL,
      session_id    uuid NOT NULL,
      seq           bigint NOT NULL,
      role          text NOT NULL,
      content       text NOT NULL DEFAULT '',
      reasoning     text NOT NULL DEFAULT '',
      tool_calls    jsonb NOT NULL DEFAULT '[]'::jsonb,
      tool_results  jsonb NOT NULL DEFAULT '[]'::jsonb,
      status        text NOT NULL,
      error         jsonb,
      finish_reason text,
      usage         jsonb,
      ctx_used      integer,
      ctx_max       integer,
      timings       jsonb,
      model         text,
      started_at    timestamptz NOT NULL,
      finished_at   timestamptz,
      deleted       boolean NOT NULL DEFAULT false,
      search        tsvector GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED,
      -- A fork copies messages with their ids into another session.
      PRIMARY KEY (session_id, id)
    )`
  yield* sql`CREATE INDEX messages_session ON messages (session_id, seq) WHERE NOT deleted`
  yield* sql`CREATE INDEX messages_search ON messages USING gin (search) WHERE NOT deleted`
})
