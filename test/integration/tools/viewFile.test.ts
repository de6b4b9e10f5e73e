import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { call } from "./harness.ts"
import { makeTree, type Tree } from "./tree.ts"

let tree: Tree
beforeAll(async () => {
  tree = await makeTree()
})
afterAll(async () => tree.cleanup())

const view = (args: object, overrides = {}) => call(tree.root, "view_file", args, overrides)

describe("view_file", () => {
  it.effect("numbers lines", () =>
    Effect.gen(function* () {
      const outcome = yield* view({ path: "src/a.ts" })
      expect(outcome.error).toBeNull()
      expect(outcome.truncated).toBe(false)
      const lines = outcome.output.split("\n")
      expect(lines[0]).toBe("     1\texport const alpha = 1")
      expect(lines[5]).toBe("     6\tconst delta = 4")
      expect(lines).toHaveLength(6)
    })
  )
  it.effect("shows a range and says where to continue", () =>
    Effect.gen(function* () {
      const outcome = yield* view({ path: "many.txt", start_line: 100, line_count: 3 })
      const lines = outcome.output.split("\n")
      expect(lines.slice(0, 3)).toEqual(["   100\tline 100", "   101\tline 101", "   102\tline 102"])
      expect(outcome.truncated).toBe(true)
      expect(outcome.output).toContain("continue with start_line=103")
    })
  )
  it.effect("a range ending exactly at the end is not truncated", () =>
    Effect.gen(function* () {
      const outcome = yield* view({ path: "many.txt", start_line: 2999, line_count: 5 })
      expect(outcome.output).toBe("  2999\tline 2999\n  3000\tline 3000")
      expect(outcome.truncated).toBe(false)
    })
  )
  it.effect("defaults to 2,000 lines", () =>
    Effect.gen(function* () {
      const outcome = yield* view({ path: "many.txt" })
      expect(outcome.output).toContain("  2000\tline 2000")
      expect(outcome.output).not.toContain("line 2001")
      expect(outcome.truncated).toBe(true)
      expect(outcome.output).toContain("continue with start_line=2001")
    })
  )
  it.effect("line_count above the limit is capped", () =>
    Effect.gen(function* () {
      const outcome = yield* view({ path: "many.txt", line_count: 50 }, { viewMaxLines: 10 })
      expect(outcome.output).toContain("    10\tline 10")
      expect(outcome.output).not.toContain("line 11")
    })
  )
  it.effect("start past the end", () =>
    Effect.gen(function* () {
      const outcome = yield* view({ path: "src/a.ts", start_line: 50 })
      expect(outcome.output).toMatch(/has 6 lines; start_line 50 is past the end/)
    })
  )
  it.effect("cuts a 10 MB line and keeps going", () =>
    Effect.gen(function* () {
      const outcome = yield* view({ path: "long-line.txt" })
      const lines = outcome.output.split("\n")
      expect(lines[0].length).toBeLessThan(2_100)
      expect(lines[0]).toContain("line cut at 2,000 chars")
      expect(lines[1]).toBe("     2\tsecond line")
      expect(outcome.truncated).toBe(true)
    })
  )
  it.effect("output byte cap", () =>
    Effect.gen(function* () {
      const outcome = yield* view({ path: "many.txt" }, { maxOutputBytes: 1_000 })
      expect(Buffer.byteLength(outcome.output)).toBeLessThan(1_300)
      expect(outcome.truncated).toBe(true)
      expect(outcome.output).toMatch(/output limit of 1,000 bytes reached; continue with start_line=\d+/)
    })
  )
  it.effect("binary files are reported, not dumped", () =>
    Effect.gen(function* () {
      const outcome = yield* view({ path: "image.bin" })
      expect(outcome.output).toBe("binary file, 76 bytes")
    })
  )
  it.effect("a 2 GB sparse file is reported quickly", () =>
    Effect.gen(function* () {
      const started = Date.now()
      const outcome = yield* view({ path: "big.bin" })
      expect(outcome.output).toBe("binary file, 2,147,483,648 bytes")
      expect(Date.now() - started).toBeLessThan(1_000)
    })
  )
  it.effect("a file with a 50 MB line of zeros is reported as binary", () =>
    Effect.gen(function* () {
      const outcome = yield* view({ path: "zeros-line.bin" })
      expect(outcome.output).toBe("binary file, 52,428,800 bytes")
    })
  )
  it.effect("a 10 MB text line is cut without reading it all into memory", () =>
    Effect.gen(function* () {
      const before = process.memoryUsage().rss
      const outcome = yield* view({ path: "long-line.txt", line_count: 1 })
      expect(outcome.output.split("\n")[0]).toContain("line cut")
      expect(process.memoryUsage().rss - before).toBeLessThan(40 * 1024 * 1024)
    })
  )
  it.effect("a scan limit stops paging deep into huge files", () =>
    Effect.gen(function* () {
      const outcome = yield* view({ path: "many.txt", start_line: 2_900 }, { viewMaxScanBytes: 1_000 })
      expect(outcome.truncated).toBe(true)
      expect(outcome.output).toMatch(/stopped after scanning/)
    })
  )
  it.effect("a directory is an error", () =>
    Effect.gen(function* () {
      const outcome = yield* view({ path: "src" })
      expect(outcome.error).toMatch(/is a directory; use list_dir/)
    })
  )
  it.effect("bad arguments are readable errors", () =>
    Effect.gen(function* () {
      const outcome = yield* view({ path: "src/a.ts", start_line: 0 })
      expect(outcome.error).toMatch(/invalid arguments for view_file/)
      expect(outcome.output).toBe("")
    })
  )
})
