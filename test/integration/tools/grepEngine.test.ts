import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { promises as fs } from "node:fs"
import * as path from "node:path"
import { makeCollector, makeOrderedCollector, type FileHits } from "../../../src/infra/tools/GrepCollector.ts"
import { requiredLiteral } from "../../../src/infra/tools/grep/Literal.ts"
import { insideRoot, searchBytes, searchText, compileSpec } from "../../../src/infra/tools/grep/Search.ts"
import { openFlags } from "../../../src/infra/tools/OpenGuard.ts"
import { isInside } from "../../../src/infra/tools/PathGuard.ts"
import { compareWalkOrder } from "../../../src/infra/tools/Walker.ts"
import { call } from "./harness.ts"
import { makeTempBase, writeFiles } from "./tree.ts"

describe("requiredLiteral", () => {
  it("finds the longest run every match must contain, or nothing when unsure", () => {
    expect(requiredLiteral("needle_\\d+", false)).toBe("needle_")
    expect(requiredLiteral("needle", false)).toBe("needle")
    expect(requiredLiteral("colou?r", false)).toBe("colo")
    expect(requiredLiteral("a{2}bc", false)).toBe("bc")
    expect(requiredLiteral("[abc]def", false)).toBe("def")
    expect(requiredLiteral("(?:x)yz", false)).toBe("yz")
    expect(requiredLiteral("\\bword\\b", false)).toBe("word")
    expect(requiredLiteral("foo\\.bar", false)).toBe("foo.bar")
    expect(requiredLiteral("^const [bB]eta", false)).toBe("const ")
    expect(requiredLiteral("ab+c", false)).toBe("a")
    expect(requiredLiteral("foo|bar", false)).toBeNull()
    expect(requiredLiteral("(a|b)cd", false)).toBeNull()
    expect(requiredLiteral("\\x41BC", false)).toBeNull()
    expect(requiredLiteral("(a)\\1", false)).toBeNull()
    expect(requiredLiteral("x*", false)).toBeNull()
    expect(requiredLiteral("a{x", false)).toBeNull()
    expect(requiredLiteral("needle", true)).toBeNull()
    expect(requiredLiteral("_123", true)).toBe("_123")
  })

  it("every text a pattern matches holds its literal, so the byte prefilter never loses a match", () => {
    const patterns = ["needle_\\d+", "colou?r", "a{2}bc", "[abc]def", "(?:x)yz", "\\bword\\b", "foo\\.bar", "ab+c", "x(?=yz)q?", "é+tat", "(?<!a)bc", "[\\]]z"]
    const texts = ["needle_12", "color", "colour", "aabc", "cdef", "xyz", "a word.", "foo.bar", "abbbc", "ac", "xyzq", "éétat", "tat", "xbc", "]z", "needle_", "abc"]
    for (const pattern of patterns) {
      const literal = requiredLiteral(pattern, false)
      const regex = new RegExp(pattern, "u")
      for (const text of texts) if (regex.test(text) && literal !== null) expect(text, pattern).toContain(literal)
    }
  })
})

describe("byte search", () => {
  const spec = (pattern: string, flags = "u", context = 0) =>
    compileSpec({ root: "/", openFlags, lineSource: pattern, lineFlags: flags, wholeSource: pattern, wholeFlags: `${flags}m`, literal: requiredLiteral(pattern, flags.includes("i")), context, lineChars: 500, maxFileBytes: 1 << 24 })

  it("gives the lines a search of the decoded text gives, invalid UTF-8 included", () => {
    const texts = [
      Buffer.from("alpha\nneedle_1 here\r\nbeta needle_22\n"),
      Buffer.concat([Buffer.from("x\n"), Buffer.from([0xe0, 0xc3, 0xa9, 0x0a]), Buffer.from("étage needle_3\n")]),
      Buffer.from("no match at all\n")
    ]
    for (const pattern of ["needle_\\d+", "étage", "here$", "^beta", "[0-9]"]) {
      for (const bytes of texts) {
        const compiled = spec(pattern, "u", 1)
        expect(searchBytes(bytes, compiled)).toEqual(searchText(bytes.toString("utf8"), { line: compiled.line, wholeFile: compiled.wholeFile, context: 1, lineChars: 500 }))
      }
    }
  })

  it("the worker's containment check is PathGuard's", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["/x/proj", "/x/proj"],
      ["/x/proj", "/x/proj/a"],
      ["/x/proj", "/x/proj2/a"],
      ["/x/proj", "/x/pro"],
      ["/x/proj/", "/x/proj/a"],
      ["/", "/etc/passwd"],
      ["/x/proj", "/x"]
    ]
    for (const [root, candidate] of cases) expect(insideRoot(root, candidate), `${root} ${candidate}`).toBe(isInside(root, candidate))
  })
})

describe("ordered collector", () => {
  const file = (rel: string, matches: number): FileHits => ({
    rel,
    lines: Array.from({ length: matches }, (_, i) => ({ n: 2 * i + 1, text: `${rel} hit ${i}`, match: true }))
  })
  const files = [file("a/b.ts", 2), file("a-c/d.ts", 3), file("a/z/q.ts", 1), file("b.ts", 4), file("a.ts", 2), file("c/e.ts", 1), file("ab/x.ts", 2)]

  it("renders files in walk order whatever order they arrive in, counting the ones it drops", () => {
    const sorted = [...files].sort((x, y) => compareWalkOrder(x.rel, y.rel))
    expect(sorted.map((f) => f.rel)).toEqual(["a/b.ts", "a/z/q.ts", "a-c/d.ts", "a.ts", "ab/x.ts", "b.ts", "c/e.ts"])
    for (const maxMatches of [1, 4, 5, 200]) {
      const expected = makeCollector(maxMatches, 500, false)
      for (const f of sorted) expected.add(f)
      let seed = maxMatches
      for (let round = 0; round < 20; round++) {
        const shuffled = [...files]
        for (let i = shuffled.length - 1; i > 0; i--) {
          seed = (seed * 1103515245 + 12345) % 2 ** 31
          const j = seed % (i + 1)
          ;[shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]]
        }
        const ordered = makeOrderedCollector(maxMatches, 500, false, compareWalkOrder)
        for (const f of shuffled) ordered.add(f)
        expect(ordered.render({ maxFileBytes: 1 })).toEqual(expected.render({ maxFileBytes: 1 }))
      }
    }
  })
})

describe("JavaScript engine on the worker pool", () => {
  let base: string
  let root: string
  beforeAll(async () => {
    base = await makeTempBase("boocode-grep-engine-")
    root = path.join(base, "proj")
    const filler = "filler line without the word\n".repeat(4000)
    await writeFiles(root, {
      "big-match.txt": `${filler}late needle_9 after 100 KB\n`,
      "late-nul.txt": Buffer.concat([Buffer.from("early needle_1\n"), Buffer.from(filler), Buffer.from([0]), Buffer.from("\n")]),
      "early-nul.bin": Buffer.concat([Buffer.from([0]), Buffer.from("needle_2\n")]),
      "small.ts": "const needle_3 = 1\n",
      ...Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`many/f${String(i).padStart(3, "0")}.txt`, i % 100 === 0 ? `needle_${i}\n` : "nothing\n"]))
    })
  })
  afterAll(async () => fs.rm(base, { recursive: true, force: true }))

  it.effect("finds a match beyond the first block, skips a NUL in any block, and keeps walk order across batches", () =>
    Effect.gen(function* () {
      const outcome = yield* call(root, "grep", { pattern: "needle_\\d+" })
      expect(outcome.error).toBeNull()
      expect(outcome.output.split("\n")).toEqual([
        "big-match.txt:4001: late needle_9 after 100 KB",
        "many/f000.txt:1: needle_0",
        "many/f100.txt:1: needle_100",
        "many/f200.txt:1: needle_200",
        "small.ts:1: const needle_3 = 1"
      ])
    })
  )

  it.effect("a pattern without a literal and a case-insensitive one take the regex path", () =>
    Effect.gen(function* () {
      const digits = yield* call(root, "grep", { pattern: "^[a-z]+_\\d{3}$", path: "many" })
      expect(digits.output.split("\n")).toEqual(["many/f100.txt:1: needle_100", "many/f200.txt:1: needle_200"])
      const ci = yield* call(root, "grep", { pattern: "NEEDLE_3", case_insensitive: true })
      expect(ci.output).toBe("small.ts:1: const needle_3 = 1")
    })
  )
})
