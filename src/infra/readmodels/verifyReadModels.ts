import { SqlClient } from "@effect/sql"
import { Effect, Schema } from "effect"
import { canonicalJson } from "../eventstore/canonicalJson.ts"
import { EventStore } from "../eventstore/EventStore.ts"
import { ProjectRepository } from "../repositories/ProjectRepository.ts"
import { SessionRepository } from "../repositories/SessionRepository.ts"
import { ProjectId, SessionId } from "../../domain/index.ts"
import { expectedMessageRow, expectedProjectRow, expectedSessionRow } from "./expectedRows.ts"

const differs = (a: unknown, b: unknown) => canonicalJson(a) !== canonicalJson(b)

const describe = (what: string, expected: unknown, actual: unknown) =>
  `${what}: log says ${canonicalJson(expected)}, table says ${canonicalJson(actual)}`

/** Folds every stream from the log and lists every way the read-model tables disagree with it. */
export const verifyReadModels = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const store = yield* EventStore
  const projects = yield* ProjectRepository
  const sessions = yield* SessionRepository
  const problems: Array<string> = []

  for (const streamId of yield* store.streamIds("project-")) {
    const id = Schema.decodeUnknownSync(ProjectId)(streamId.slice("project-".length))
    const { state } = yield* projects.loadAt(id, Number.MAX_SAFE_INTEGER)
    const rows = yield* sql`SELECT id::text, name, path, removed, version::int FROM projects WHERE id = ${id}`
    const expected = expectedProjectRow(state)
    if (rows.length === 0) problems.push(`${streamId}: no row in projects`)
    else if (differs(expected, rows[0])) problems.push(describe(`${streamId} projects row`, expected, rows[0]))
  }

  for (const streamId of yield* store.streamIds("session-")) {
    const id = Schema.decodeUnknownSync(SessionId)(streamId.slice("session-".length))
    const { state } = yield* sessions.loadAt(id, Number.MAX_SAFE_INTEGER)
    const rows = yield* sql`SELECT id::text, project_id::text, name, name_by, model, system_prompt,
      open_message_id::text, deleted FROM sessions WHERE id = ${id}`
    const expected = expectedSessionRow(state)
    if (rows.length === 0) problems.push(`${streamId}: no row in sessions`)
    else if (differs(expected, rows[0])) problems.push(describe(`${streamId} sessions row`, expected, rows[0]))

    const messageRows = yield* sql`SELECT id::text, role, content, reasoning, tool_calls, tool_results, status, error,
      finish_reason, usage, ctx_used, ctx_max, timings, model FROM messages
      WHERE session_id = ${id} AND NOT deleted ORDER BY seq`
    const expectedMessages = state.messages.map(expectedMessageRow)
    if (messageRows.length !== expectedMessages.length)
      problems.push(`${streamId}: log has ${expectedMessages.length} messages, table has ${messageRows.length}`)
    expectedMessages.forEach((m, i) => {
      const row = messageRows[i]
      if (row !== undefined && differs(m, row)) problems.push(describe(`${streamId} message ${m.id}`, m, row))
    })
  }
  return problems
}).pipe(Effect.orDie, Effect.withSpan("verifyReadModels"))

