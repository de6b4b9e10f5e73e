import { SqlClient, SqlSchema } from "@effect/sql"
import { Context, Effect, Layer, Schema } from "effect"
import type { ProjectId } from "../../domain/index.ts"
import { type Highlight, Project, SearchHit, Session } from "../api/schemas.ts"

const Iso = Schema.transform(Schema.DateFromSelf, Schema.String, {
  strict: true,
  decode: (d) => d.toISOString(),
  encode: (s) => new Date(s)
})

const ProjectRow = Schema.Struct({ ...Project.fields, created_at: Iso, updated_at: Iso })
const SessionRow = Schema.Struct({
  ...Session.fields,
  forked_from: Schema.NullOr(Session.fields.forked_from.members[0]),
  created_at: Iso,
  updated_at: Iso
})
const { highlights: _, ...hitFields } = SearchHit.fields
const HitRow = Schema.Struct(hitFields)

/**
 * Postgres marks matches between two private-use characters, which become `highlights`, so the
 * snippet is plain text, never HTML. Those characters are taken out of the text first (user text
 * cannot fake a mark), and `<`, `>` stand in as two more while Postgres reads it: its parser would
 * drop whatever looks like a tag from the snippet, and the snippet must be the user's text.
 */
const START = "\uE000"
const STOP = "\uE001"
const LT = "\uE002"
const GT = "\uE003"
const HIDE = `<>${START}${STOP}${LT}${GT}`
const SHOWN = `${LT}${GT}`
const headline = (options: string) => `StartSel="${START}", StopSel="${STOP}"${options === "" ? "" : `, ${options}`}`
const restore = (s: string) => s.replaceAll(LT, "<").replaceAll(GT, ">")

/** A marked snippet as plain text and the UTF-16 ranges of its matches. */
export const unmark = (marked: string): { snippet: string; highlights: Array<Highlight> } => {
  let snippet = ""
  const highlights: Array<Highlight> = []
  let start = -1
  for (const part of marked.split(/([\uE000\uE001])/)) {
    if (part === START) start = snippet.length
    else if (part === STOP) {
      if (start >= 0 && snippet.length > start) highlights.push({ start, end: snippet.length })
      start = -1
    } else snippet += restore(part)
  }
  return { snippet, highlights }
}

const sessionColumns = `id::text, project_id::text, name, name_by, model, system_prompt, generation, forked_from,
  (open_message_id IS NOT NULL) AS busy, open_message_id::text, created_at, updated_at, version::int AS version`

/** Lists and search straight from the read models (kept in step with the log in the append's transaction). */
const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const projects = SqlSchema.findAll({
    Request: Schema.Void,
    Result: ProjectRow,
    execute: () => sql`SELECT id::text, name, path, created_at, updated_at FROM projects WHERE NOT removed ORDER BY name, id`
  })

  const projectExists = (id: ProjectId) =>
    sql<{ n: number }>`SELECT 1 AS n FROM projects WHERE id = ${id} AND NOT removed`.pipe(Effect.map((r) => r.length > 0))

  const sessionsOf = SqlSchema.findAll({
    Request: Schema.String,
    Result: SessionRow,
    execute: (projectId) =>
      sql`SELECT ${sql.literal(sessionColumns)} FROM sessions
          WHERE project_id = ${projectId} AND NOT deleted ORDER BY updated_at DESC, id`
  })

  const sessionById = SqlSchema.findOne({
    Request: Schema.String,
    Result: SessionRow,
    execute: (id) => sql`SELECT ${sql.literal(sessionColumns)} FROM sessions WHERE id = ${id}`
  })

  const search = SqlSchema.findAll({
    Request: Schema.Struct({ q: Schema.String, limit: Schema.Number }),
    Result: HitRow,
    execute: ({ limit, q }) => sql`
      WITH query AS (SELECT websearch_to_tsquery('simple', ${q}) AS tsq),
      hits AS (
        SELECT s.id AS session_id, s.project_id, s.name AS session_name, NULL::uuid AS message_id,
               ts_headline('simple', translate(s.name, ${HIDE}, ${SHOWN}), query.tsq, ${headline("HighlightAll=true")}) AS snippet, ts_rank(s.search, query.tsq) AS rank
        FROM sessions s, query WHERE NOT s.deleted AND s.search @@ query.tsq
        UNION ALL
        SELECT s.id, s.project_id, s.name, m.id,
               ts_headline('simple', translate(m.content, ${HIDE}, ${SHOWN}), query.tsq, ${headline("MaxFragments=2, MaxWords=20, MinWords=5")}),
               ts_rank(m.search, query.tsq)
        FROM messages m JOIN sessions s ON s.id = m.session_id, query
        WHERE NOT m.deleted AND NOT s.deleted AND m.search @@ query.tsq
      )
      SELECT session_id::text, project_id::text, session_name, message_id::text, snippet, rank::float8 AS rank
      FROM hits ORDER BY rank DESC, session_id, message_id NULLS FIRST LIMIT ${limit}`
  })

  return {
    projects: projects(undefined).pipe(Effect.orDie),
    projectExists: (id: ProjectId) => Effect.orDie(projectExists(id)),
    sessionsOf: (id: ProjectId) => Effect.orDie(sessionsOf(id)),
    sessionById: (id: string) => Effect.orDie(sessionById(id)),
    search: (q: string, limit: number): Effect.Effect<Array<SearchHit>> =>
      Effect.orDie(search({ q, limit })).pipe(Effect.map((rows) => rows.map((row) => ({ ...row, ...unmark(row.snippet) }))))
  }
})

export class ReadModels extends Context.Tag("http/ReadModels")<ReadModels, Effect.Effect.Success<typeof make>>() {
  static readonly layer = Layer.effect(ReadModels, make)
}
