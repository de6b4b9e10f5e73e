import { Effect, Either, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { StoredEvent } from "../../../src/infra/eventstore/model.ts"
import { decodeStoredRows } from "../../../src/infra/eventstore/storedRows.ts"

/** A row as the store's SELECT hands it over from the driver: numbers as text, jsonb parsed, timestamptz a Date. */
const row = (n: number) => ({
  global_position: String(1000 + n), transaction_id: "7731", event_id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
  stream_id: "session-x", stream_version: String(n), type: "TextDelta", data: { text: `piece ${n}`, offset: n },
  metadata: {}, recorded_at: new Date("2025-06-01T12:00:00.000Z"), hash: "ab".repeat(32)
})

const careful = Schema.decodeUnknownSync(Schema.Array(StoredEvent))

describe("rows read from the store", () => {
  it("take the hand-checked path to exactly what the Schema decode gives", () => {
    const rows = [row(1), row(2), row(3)]
    const fast = Effect.runSync(decodeStoredRows(rows))
    expect(fast).toStrictEqual(careful(rows))
    expect(fast[2].global_position).toBe(1003)
    expect(fast[2].data).toBe(rows[2].data)
  })

  it("go through the careful decode when a row has another shape, which then says what is wrong", () => {
    const odd = { ...row(2), global_position: 1002 }
    const result = Effect.runSync(Effect.either(decodeStoredRows([row(1), odd])))
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) expect(result.left.message).toContain("global_position")
    const textDate = { ...row(3), recorded_at: "2025-06-01T12:00:00.000Z" }
    expect(Either.isLeft(Effect.runSync(Effect.either(decodeStoredRows([textDate]))))).toBe(true)
  })

  it("leave the fast path on a version that is not a whole number: the careful decode reads it as the Schema does", () => {
    const rows = [{ ...row(1), stream_version: "1.5" }]
    expect(Effect.runSync(decodeStoredRows(rows))).toStrictEqual(careful(rows))
  })
})
