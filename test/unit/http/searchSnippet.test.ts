import { describe, expect, it } from "vitest"
import { unmark } from "../../../src/http/queries/ReadModels.ts"

// What Postgres returns: matches between U+E000 and U+E001, `<` and `>` stood in for by U+E002 and U+E003.
describe("search snippets", () => {
  it("turn the marks into plain text and ranges of it", () => {
    expect(unmark("find the \uE000zebra\uE001 and the \uE000zebra\uE001")).toEqual({
      snippet: "find the zebra and the zebra",
      highlights: [{ start: 9, end: 14 }, { start: 23, end: 28 }]
    })
  })

  it("count ranges in UTF-16 code units, as a browser's string indices", () => {
    const { highlights, snippet } = unmark("🦀 \uE000zebra\uE001")
    expect(highlights.map((r) => snippet.slice(r.start, r.end))).toEqual(["zebra"])
    expect(highlights).toEqual([{ start: 3, end: 8 }])
  })

  it("give back the user's angle brackets as text", () => {
    expect(unmark("\uE002b\uE003\uE000zebra\uE001\uE002/b\uE003 & <")).toEqual({
      snippet: "<b>zebra</b> & <",
      highlights: [{ start: 3, end: 8 }]
    })
  })

  it("keep no empty or unclosed range", () => {
    expect(unmark("a\uE000\uE001b\uE000c")).toEqual({ snippet: "abc", highlights: [] })
  })
})
