import { Effect, Schema } from "effect"
import { StoredEvent } from "./model.ts"

const decodeRows = Schema.decodeUnknown(Schema.Array(StoredEvent))

const isPlainObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/** A row as the store's own SELECT returns it (see EventStore `columns`), or undefined for anything else. */
const storedRow = (row: unknown): StoredEvent | undefined => {
  if (!isPlainObject(row)) return undefined
  const { global_position, transaction_id, event_id, stream_id, stream_version, type, data, metadata, recorded_at, hash } = row
  if (
    typeof global_position !== "string" || typeof transaction_id !== "string" || typeof event_id !== "string" ||
    typeof stream_id !== "string" || typeof stream_version !== "string" || typeof type !== "string" ||
    typeof hash !== "string" || !isPlainObject(metadata) || !(recorded_at instanceof Date)
  ) return undefined
  const position = Number(global_position)
  const version = Number(stream_version)
  if (!Number.isSafeInteger(position) || !Number.isSafeInteger(version)) return undefined
  return {
    global_position: position, transaction_id, event_id, stream_id, stream_version: version, type, data, metadata,
    recorded_at, hash
  }
}

/**
 * The store's rows as StoredEvents. Rows of its own SELECT have known column types, so each is
 * checked and converted by hand (a Schema pass per row cost more than the query); a batch with
 * any row of another shape goes through the careful Schema decode, which says what is wrong.
 */
export const decodeStoredRows = (rows: ReadonlyArray<unknown>) =>
  Effect.suspend(() => {
    const out: Array<StoredEvent> = new Array(rows.length)
    for (let i = 0; i < rows.length; i++) {
      const stored = storedRow(rows[i])
      if (stored === undefined) return decodeRows(rows)
      out[i] = stored
    }
    return Effect.succeed(out)
  })
