import { SqlClient } from "@effect/sql"
import { Effect, Schema } from "effect"

export interface ChainProblem {
  readonly streamId: string
  /** The event (or, for a head mismatch, the stream's recorded version) where the break shows. */
  readonly version: number
  readonly kind: "hash-mismatch" | "version-gap" | "head-mismatch" | "missing-stream-row"
  readonly message: string
}

const EventRow = Schema.Struct({
  stream_id: Schema.String,
  stream_version: Schema.NumberFromString,
  prev_version: Schema.NullOr(Schema.NumberFromString),
  hash_ok: Schema.Boolean
})

const HeadRow = Schema.Struct({
  stream_id: Schema.String,
  version: Schema.NullOr(Schema.NumberFromString),
  last_hash: Schema.NullOr(Schema.String),
  head_version: Schema.NullOr(Schema.NumberFromString),
  head_hash: Schema.NullOr(Schema.String)
})

const eventProblems = (row: typeof EventRow.Type): ReadonlyArray<ChainProblem> => {
  const at = { streamId: row.stream_id, version: row.stream_version }
  const expected = (row.prev_version ?? 0) + 1
  return [
    ...(row.stream_version === expected
      ? []
      : [{ ...at, kind: "version-gap" as const, message: `${row.stream_id}@${row.stream_version}: expected version ${expected} here (events missing or renumbered)` }]),
    ...(row.hash_ok
      ? []
      : [{ ...at, kind: "hash-mismatch" as const, message: `${row.stream_id}@${row.stream_version}: stored hash does not match the event's content and the previous hash` }])
  ]
}

const headProblem = (row: typeof HeadRow.Type): ChainProblem =>
  row.version === null
    ? { streamId: row.stream_id, version: row.head_version ?? 0, kind: "missing-stream-row", message: `${row.stream_id}: events exist up to version ${row.head_version ?? 0} but the stream has no row in streams` }
    : { streamId: row.stream_id, version: row.version, kind: "head-mismatch", message: `${row.stream_id}: streams says version ${row.version} (hash ${(row.last_hash ?? "").slice(0, 12)}), the last event is version ${row.head_version ?? 0} (hash ${(row.head_hash ?? "").slice(0, 12)})` }

/**
 * Walks every stream's hash chain: each event's hash is recomputed from its content and the stored
 * hash of the event before it, versions must run 1..n, and the stream row's version and last hash
 * must name the last event. Returns the breaks found (empty when the log is intact).
 */
export const verifyChains = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const eventRows = yield* sql`
    SELECT stream_id, stream_version::text, prev_version::text, hash_ok FROM (
      SELECT stream_id, stream_version,
        lag(stream_version) OVER w AS prev_version,
        hash = event_hash(coalesce(lag(hash) OVER w, ''), event_id, stream_id, stream_version, type,
                          data, metadata, recorded_at) AS hash_ok
      FROM events WINDOW w AS (PARTITION BY stream_id ORDER BY stream_version)
    ) c
    WHERE NOT hash_ok OR stream_version <> coalesce(prev_version, 0) + 1
    ORDER BY stream_id, stream_version`.pipe(Effect.flatMap(Schema.decodeUnknown(Schema.Array(EventRow))))
  const headRows = yield* sql`
    SELECT coalesce(s.stream_id, h.stream_id) AS stream_id, s.version::text, s.last_hash,
           h.stream_version::text AS head_version, h.hash AS head_hash
    FROM streams s
    FULL JOIN (SELECT DISTINCT ON (stream_id) stream_id, stream_version, hash FROM events
               ORDER BY stream_id, stream_version DESC) h ON h.stream_id = s.stream_id
    WHERE s.stream_id IS NULL OR s.version IS DISTINCT FROM h.stream_version OR s.last_hash IS DISTINCT FROM h.hash
    ORDER BY 1`.pipe(Effect.flatMap(Schema.decodeUnknown(Schema.Array(HeadRow))))
  return [...eventRows.flatMap(eventProblems), ...headRows.map(headProblem)]
}).pipe(Effect.orDie, Effect.withSpan("verifyChains"))
