import type { SqlClient } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import { isTerminalEvent, type SessionEvent, SessionState } from "../../domain/index.ts"
import { readFinishedTexts, withFinishedTexts, withoutFinishedTexts } from "./sessionSnapshotTexts.ts"
import { isSessionStateShape } from "./sessionStateShape.ts"

/**
 * The shape of `state` in session_snapshots: bump it with any change to SessionState's encoded form
 * or to what a snapshot leaves out. 1: the whole state. 2: finished messages' text left out (read
 * from the messages read model, see sessionSnapshotTexts.ts). 3: messages hold their parts (the
 * order of their text and tool steps). 4: the session's sampling settings. 5: regenerated answers
 * kept as alternatives. A row of another version counts as no snapshot.
 */
export const SNAPSHOT_SCHEMA_VERSION = 5

/**
 * A snapshot is written at a terminal event only once this many events have passed since the last
 * one. Each snapshot rewrites the whole state (finished messages without their text), so its WAL
 * grows with the session: one per reply would multiply a long session's WAL. A normal reply (about one delta batch a second) stays under
 * 200 events, so it writes none, and a load folds at most about 200 events plus the turn in flight.
 */
export const SNAPSHOT_EVERY = 200

/** Whether an append of `events`, reaching `version`, writes a snapshot when the last one is at `last`. */
export const snapshotDue = (events: ReadonlyArray<SessionEvent>, last: number, version: number) =>
  version - last >= SNAPSHOT_EVERY && events.some(isTerminalEvent)

const StateJson = Schema.parseJson(SessionState)
const encodeState = Schema.encode(StateJson)
const decodeState = Schema.decodeUnknown(StateJson)

const SnapshotRow = Schema.Struct({
  version: Schema.NumberFromString,
  schema_version: Schema.Number,
  state: Schema.String
})
export type SnapshotRow = typeof SnapshotRow.Type
const decodeRows = Schema.decodeUnknown(Schema.Array(SnapshotRow))

/** Upserts the one snapshot of a session; an older snapshot never replaces a newer one of the same shape. */
export const writeSnapshot = (sql: SqlClient.SqlClient, sessionId: string, state: SessionState) =>
  Effect.gen(function* () {
    const json = yield* Effect.orDie(encodeState(withoutFinishedTexts(state)))
    yield* sql`INSERT INTO session_snapshots (session_id, version, schema_version, state)
      VALUES (${sessionId}, ${state.version}, ${SNAPSHOT_SCHEMA_VERSION}, ${json}::json)
      ON CONFLICT (session_id) DO UPDATE SET version = EXCLUDED.version, schema_version = EXCLUDED.schema_version,
        state = EXCLUDED.state, written_at = now()
      WHERE session_snapshots.version < EXCLUDED.version OR session_snapshots.schema_version <> EXCLUDED.schema_version`
  })

/** The stored snapshot row of a session, at or below `upTo`, whatever its shape. */
export const readSnapshotRow = (sql: SqlClient.SqlClient, sessionId: string, upTo = Number.MAX_SAFE_INTEGER) =>
  sql`SELECT version::text, schema_version, state::text AS state FROM session_snapshots
      WHERE session_id = ${sessionId} AND version <= ${upTo}`.pipe(
    Effect.flatMap(decodeRows),
    Effect.orDie,
    Effect.map((rows) => Option.fromNullable(rows[0]))
  )

/** The state in a snapshot's JSON, or undefined: JSON.parse and a hand-written shape check, no Schema decode. */
const fastState = (json: string): SessionState | undefined => {
  try {
    const parsed: unknown = JSON.parse(json)
    return isSessionStateShape(parsed) ? parsed : undefined
  } catch {
    return undefined
  }
}

/**
 * The state a snapshot row holds, as stored (finished messages without their text), or none when it cannot be used: a shape this code does not know
 * (written by another version: fold the log instead), or one that does not decode. A row at the
 * current format takes the fast path; only one that fails the shape check pays for the careful
 * Schema decode (which then says why it is refused).
 */
export const snapshotState = (sessionId: string, row: SnapshotRow) =>
  Effect.gen(function* () {
    if (row.schema_version !== SNAPSHOT_SCHEMA_VERSION) {
      yield* Effect.logDebug(`session ${sessionId}: snapshot shape ${row.schema_version} unknown, folding the log`)
      return Option.none<SessionState>()
    }
    const fast = fastState(row.state)
    const state = fast !== undefined ? Option.some(fast) : yield* decodeState(row.state).pipe(
      Effect.map(Option.some),
      Effect.catchAll((e) =>
        Effect.as(Effect.logWarning(`session ${sessionId}: snapshot v${row.version} does not decode, folding the log: ${e.message}`), Option.none<SessionState>())
      )
    )
    return Option.filter(state, (s) => s.version === row.version)
  })

/** The newest usable snapshot of a session at or below `upTo`, its finished messages' text read back from the messages read model. */
export const readSnapshot = (sql: SqlClient.SqlClient, sessionId: string, upTo = Number.MAX_SAFE_INTEGER) =>
  readSnapshotRow(sql, sessionId, upTo).pipe(
    Effect.flatMap(Option.match({
      onNone: () => Effect.succeed(Option.none<SessionState>()),
      onSome: (row) => snapshotState(sessionId, row)
    })),
    Effect.flatMap(Option.match({
      onNone: () => Effect.succeed(Option.none<SessionState>()),
      onSome: (stored) =>
        Effect.flatMap(readFinishedTexts(sql, sessionId), (texts): Effect.Effect<Option.Option<SessionState>> => {
          const state = withFinishedTexts(stored, texts)
          if (Option.isSome(state)) return Effect.succeed(state)
          return Effect.as(Effect.logDebug(`session ${sessionId}: a message of snapshot v${stored.version} has no text in the read model, folding the log`), state)
        })
    }))
  )
