import { Effect, Either, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { StoredEvent } from "../../../src/infra/eventstore/model.ts"
import { decodeStoredRows } from "../../../src/infra/eventstore/storedRows.ts"

/**
 * A row as the store's SELECT (storedColumns) hands it over from the driver in array mode: numbers
 * as text, jsonb parsed, recorded_at as whole milliseconds, stream_id last when selected.
 */
const when = Date.parse("2025-06-01T12:00:00.123Z")
const row = (n: number): Array<unknown> => [
  String(1000 + n), "7731", `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`, String(n), "TextDelta",
  { text: `piece ${n}`, offset: n }, {}, String(when), "ab".repeat(32), "session-x"
]
const named = (r: ReadonlyArray<unknown>) => ({
  global_position: r[0], transaction_id: r[1], event_id: r[2], stream_version: r[3], type: r[4], data: r[5],
  metadata: r[6], recorded_at: new Date(Number(r[7])), hash: r[8], stream_id: r[9]
})

const careful = Schema.decodeUnknownSync(Schema.Array(StoredEvent))

describe("rows read from the store", () => {
  it("take the hand-checked path to exactly what the Schema decode gives", () => {
    const rows = [row(1), row(2), row(3)]
    const fast = Effect.runSync(decodeStoredRows(rows))
    expect(fast).toStrictEqual(careful(rows.map(named)))
    expect(fast[2].global_position).toBe(1003)
    expect(fast[2].recorded_at.toISOString()).toBe("2025-06-01T12:00:00.123Z")
    expect(fast[2].data).toBe(rows[2][5])
  })

  it("fill in the stream id when one stream was read without it", () => {
    const rows = [row(1).slice(0, 9), row(2).slice(0, 9)]
    const fast = Effect.runSync(decodeStoredRows(rows, "session-y"))
    expect(fast.map((e) => e.stream_id)).toStrictEqual(["session-y", "session-y"])
    expect(fast[1].stream_version).toBe(2)
  })

  it("go through the careful decode when a row has another shape, which then says what is wrong", () => {
    const odd = row(2)
    odd[0] = 1002
    const result = Effect.runSync(Effect.either(decodeStoredRows([row(1), odd])))
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) expect(result.left.message).toContain("global_position")
    const noDate = row(3)
    noDate[7] = "yesterday"
    const dated = Effect.runSync(Effect.either(decodeStoredRows([noDate])))
    expect(Either.isLeft(dated)).toBe(true)
    if (Either.isLeft(dated)) expect(dated.left.message).toContain("recorded_at")
  })

  it("leave the fast path on a version that is not a whole number: the careful decode reads it as the Schema does", () => {
    const odd = row(1)
    odd[3] = "1.5"
    expect(Effect.runSync(decodeStoredRows([odd]))).toStrictEqual(careful([named(odd)]))
  })
})
