import { SqlClient } from "@effect/sql"
import { Effect, Either, Option, Schema } from "effect"
import { canonicalJson } from "../eventstore/canonicalJson.ts"
import { EventStore } from "../eventstore/EventStore.ts"
import { ProjectRepository } from "../repositories/ProjectRepository.ts"
import { SessionRepository } from "../repositories/SessionRepository.ts"
import { ProjectId, SessionId, SessionState } from "../../domain/index.ts"
import { expectedMessageRow, expectedProjectRow, expectedSessionRow } from "./expectedRows.ts"
import { withoutFinishedTexts } from "./sessionSnapshotTexts.ts"
import { readSnapshotRow, SNAPSHOT_SCHEMA_VERSION } from "./sessionSnapshots.ts"

const decodeJson = Schema.decodeUnknown(Schema.parseJson())
const encodeState = Schema.encodeSync(SessionState)

const differs = (a: unknown, b: unknown) => canonicalJson(a) !== canonicalJson(b)

const describe = (what: string, expected: unknown, actual: unknown) =>
  `${what}: log says ${canonicalJson(expected)}, table says ${canonicalJson(actual)}`

/** What is wrong with a session's snapshot, if anything: it must equal the fold of the log up to its version. */
const snapshotProblem = (id: SessionId, streamVersion: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const sessions = yield* SessionRepository
    const found = yield* readSnapshotRow(sql, id)
    // A shape this code does not know is never read (loads fold the log instead): nothing to check.
    if (Option.isNone(found) || found.value.schema_version !== SNAPSHOT_SCHEMA_VERSION) return undefined
    const row = found.value
    if (row.version > streamVersion) return `snapshot at v${row.version}, past the end of the log (v${streamVersion})`
    const stored = yield* Effect.either(decodeJson(row.state))
    if (Either.isLeft(stored)) return `snapshot at v${row.version} is not JSON`
    // The snapshot leaves finished messages' text to the messages table, checked below with the other rows.
    const expected = encodeState(withoutFinishedTexts((yield* sessions.replayAt(id, row.version)).state))
    if (!differs(expected, stored.right)) return undefined
    return `snapshot at v${row.version} differs from the fold of the log in: ${differingFields(expected, stored.right).join(", ")}`
  })

/** The top-level fields (and message positions) where two encoded states differ: a whole state is too long to print. */
const differingFields = (expected: typeof SessionState.Encoded, stored: unknown): ReadonlyArray<string> => {
  if (stored === null || typeof stored !== "object") return ["the whole state"]
  const fields = Object.keys(expected).filter((key) => key !== "messages" && differs(Reflect.get(expected, key), Reflect.get(stored, key)))
  const storedMessages: unknown = Reflect.get(stored, "messages")
  const messages = Array.isArray(storedMessages) ? storedMessages : []
  const length = Math.max(expected.messages.length, messages.length)
  for (let i = 0; i < length; i++)
    if (differs(expected.messages[i], messages[i])) fields.push(`messages[${i}]`)
  return [...fields, ...Object.keys(stored).filter((key) => !(key in expected)).map((key) => `unexpected ${key}`)]
}

/** Folds every stream from the log and lists every way the read-model tables disagree with it. */
export const verifyReadModels = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const store = yield* EventStore
  const projects = yield* ProjectRepository
  const sessions = yield* SessionRepository
  const problems: Array<string> = []

  for (const streamId of yield* store.streamIds("project-")) {
    const id = Schema.decodeUnknownSync(ProjectId)(streamId.slice("project-".length))
    const { state } = yield* projects.replayAt(id, Number.MAX_SAFE_INTEGER)
    const rows = yield* sql`SELECT id::text, name, path, removed, version::int FROM projects WHERE id = ${id}`
    const expected = expectedProjectRow(state)
    if (rows.length === 0) problems.push(`${streamId}: no row in projects`)
    else if (differs(expected, rows[0])) problems.push(describe(`${streamId} projects row`, expected, rows[0]))
  }

  for (const streamId of yield* store.streamIds("session-")) {
    const id = Schema.decodeUnknownSync(SessionId)(streamId.slice("session-".length))
    const { state } = yield* sessions.replayAt(id, Number.MAX_SAFE_INTEGER)
    const rows = yield* sql`SELECT id::text, project_id::text, name, name_by, model, system_prompt, generation,
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
    const snapshot = yield* snapshotProblem(id, state.version)
    if (snapshot !== undefined) problems.push(`${streamId}: ${snapshot}`)
  }
  return problems
}).pipe(Effect.orDie, Effect.withSpan("verifyReadModels"))

