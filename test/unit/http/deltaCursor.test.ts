import { describe, expect, it } from "vitest"
import { makeDeltaCursor } from "../../../src/http/ws/DeltaCursor.ts"

const piece = (offset: number, text: string) => ({ message_id: "m", kind: "text" as const, offset, text })

describe("what a socket's client has of a message's text", () => {
  it("passes new text, cuts what the client has, drops a repeat, and reports a gap", () => {
    const cursor = makeDeltaCursor()
    expect(cursor.has("m", "text")).toBe(false)
    cursor.start("m", "text", 3)
    expect(cursor.advance(piece(0, "Hello"))).toEqual({ offset: 3, content: "lo" })
    expect(cursor.advance(piece(0, "Hello"))).toEqual({ offset: 5, content: "" })
    expect(cursor.advance(piece(5, ", world"))).toEqual({ offset: 5, content: ", world" })
    expect(cursor.advance(piece(20, "late"))).toBe("gap")
    expect(cursor.advance(piece(12, "!"))).toEqual({ offset: 12, content: "!" })
  })

  it("keeps text and reasoning, and each message, apart", () => {
    const cursor = makeDeltaCursor()
    cursor.start("m", "text", 0)
    expect(cursor.advance(piece(0, "abc"))).toEqual({ offset: 0, content: "abc" })
    expect(cursor.has("m", "reasoning")).toBe(false)
    expect(cursor.advance({ message_id: "m", kind: "reasoning", offset: 0, text: "why" })).toEqual({ offset: 0, content: "why" })
    expect(cursor.advance({ message_id: "other", kind: "text", offset: 1, text: "x" })).toBe("gap")
  })
})
