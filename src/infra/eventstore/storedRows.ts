import { Effect, Schema } from "effect"
import { StoredEvent } from "./model.ts"

const decodeRows = Schema.decodeUnknown(Schema.Array(StoredEvent))

/**
 * The store's SELECT list, as value arrays (no object per row from the driver): numbers and ids
 * as text, `recorded_at` as whole milliseconds since the epoch (a Date holds no finer), and
 * `stream_id` last, left out when the caller reads one stream and knows it. The ::text casts cost
 * about a tenth of a read, and keep the rows' types whatever type parsers another library in the
 * process registers with the driver (one registered bigint parsing for int8, and reads failed).
 */
export const storedColumns = (withStreamId: boolean) =>
  `global_position::text, transaction_id::text, event_id::text, stream_version::text, type, data, metadata,
   floor(extract(epoch FROM recorded_at) * 1000)::text, hash${withStreamId ? ", stream_id" : ""}`

const isPlainObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const wholeNumber = (u: unknown): number | undefined => {
  if (typeof u !== "string") return undefined
  const n = Number(u)
  return Number.isSafeInteger(n) ? n : undefined
}

/** One row of `storedColumns` as a StoredEvent, or undefined when it is not of that shape. */
const storedRow = (row: ReadonlyArray<unknown>, streamId: string | undefined): StoredEvent | undefined => {
  const [position, transaction_id, event_id, version, type, data, metadata, recordedMs, hash, stream_id = streamId] = row
  const global_position = wholeNumber(position)
  const stream_version = wholeNumber(version)
  const recorded = wholeNumber(recordedMs)
  if (
    global_position === undefined || stream_version === undefined || recorded === undefined ||
    typeof transaction_id !== "string" || typeof event_id !== "string" || typeof stream_id !== "string" ||
    typeof type !== "string" || typeof hash !== "string" || !isPlainObject(metadata)
  ) return undefined
  return {
    global_position, transaction_id, event_id, stream_id, stream_version, type, data, metadata,
    recorded_at: new Date(recorded), hash
  }
}

/** A row of another shape, named for the careful decode to say what is wrong with it. */
const named = (row: ReadonlyArray<unknown>, streamId: string | undefined) => {
  const [global_position, transaction_id, event_id, stream_version, type, data, metadata, recordedMs, hash, stream_id = streamId] = row
  const ms = typeof recordedMs === "string" ? Number(recordedMs) : Number.NaN
  return {
    global_position, transaction_id, event_id, stream_id, stream_version, type, data, metadata, hash,
    recorded_at: Number.isFinite(ms) ? new Date(ms) : recordedMs
  }
}

/**
 * The store's rows as StoredEvents. Rows of its own SELECT have known column types, so each is
 * checked and converted by hand (a Schema pass per row cost more than the query); a batch with
 * any row of another shape goes through the careful Schema decode, which says what is wrong.
 */
export const decodeStoredRows = (rows: ReadonlyArray<ReadonlyArray<unknown>>, streamId?: string) =>
  Effect.suspend(() => {
    const out: Array<StoredEvent> = new Array(rows.length)
    for (let i = 0; i < rows.length; i++) {
      const stored = storedRow(rows[i], streamId)
      if (stored === undefined) return decodeRows(rows.map((row) => named(row, streamId)))
      out[i] = stored
    }
    return Effect.succeed(out)
  })
