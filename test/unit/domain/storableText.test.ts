import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { findUnstorable, isStorable, makeStorableStream, toStorable } from "../../../src/domain/storableText.ts"

describe("storable text", () => {
  it("replaces NUL and unpaired surrogates by U+FFFD and keeps everything else", () => {
    expect(toStorable("before\u0000after")).toBe("before\uFFFDafter")
    expect(toStorable("x\ud800y")).toBe("x\uFFFDy")
    expect(toStorable("x\udc00y\ud83d")).toBe("x\uFFFDy\uFFFD")
    expect(toStorable("emoji 😀 CJK 漢字 é")).toBe("emoji 😀 CJK 漢字 é")
    expect(isStorable("😀")).toBe(true)
    expect(isStorable("\ud83d")).toBe(false)
  })

  it("keeps the length, so offsets stay valid", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const out = toStorable(s)
        expect(out.length).toBe(s.length)
        expect(isStorable(out)).toBe(true)
      }),
      { seed: 9 }
    )
  })

  it("names the field that holds unstorable text", () => {
    expect(findUnstorable({ content: "ok", name: "a\ud800" })).toBe("name")
    expect(findUnstorable({ messages: [{ content: "ok" }, { content: "\u0000" }] })).toBe("messages.1.content")
    expect(findUnstorable({ ok: ["fine", 1, null] })).toBeUndefined()
  })

  it("a stream keeps a surrogate pair split across pieces whole", () => {
    const stream = makeStorableStream()
    expect(stream.push("a\ud83d")).toBe("a")
    expect(stream.push("\ude00b")).toBe("😀b")
    expect(stream.push("c\ud83d")).toBe("c")
    expect(stream.push("d")).toBe("\uFFFDd")
    expect(stream.push("\ud800")).toBe("")
    expect(stream.end()).toBe("\uFFFD")
  })

  it("a stream's output joined equals the whole text made storable", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary" })), (pieces) => {
        const stream = makeStorableStream()
        const out = pieces.map(stream.push).join("") + stream.end()
        expect(out).toBe(toStorable(pieces.join("")))
      }),
      { seed: 11 }
    )
  })
})
