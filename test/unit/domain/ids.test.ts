import { Either, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { ProjectId, SessionId, streamIdOfProject, streamIdOfSession, ToolCallId } from "../../../src/domain/ids.ts"
import { normalizeName } from "../../../src/domain/name.ts"

describe("ids", () => {
  it("brands UUIDs and refuses other strings", () => {
    expect(Schema.is(SessionId)("1e0b6a3c-3f8e-4c4a-9a4b-2f1d8c0e7b11")).toBe(true)
    expect(Schema.is(SessionId)("nope")).toBe(false)
    expect(Schema.is(ToolCallId)("")).toBe(false)
  })

  it("names streams after their aggregate", () => {
    const p = ProjectId.make("7d444840-9dc0-41d1-b245-5ffbf76e5ce6")
    const s = SessionId.make("1e0b6a3c-3f8e-4c4a-9a4b-2f1d8c0e7b11")
    expect(streamIdOfProject(p)).toBe(`project-${p}`)
    expect(streamIdOfSession(s)).toBe(`session-${s}`)
  })
})

describe("names", () => {
  it("are trimmed and 1..120 characters", () => {
    expect(normalizeName("  hi  ")).toStrictEqual(Either.right("hi"))
    expect(normalizeName("x".repeat(120))).toStrictEqual(Either.right("x".repeat(120)))
    expect(Either.isLeft(normalizeName("x".repeat(121)))).toBe(true)
    expect(Either.isLeft(normalizeName("   "))).toBe(true)
  })
})
