import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFileSync } from "node:child_process"
import { makeTools } from "../../../src/infra/tools/Tools.ts"
import { defaultLimits } from "../../../src/infra/tools/ToolLimits.ts"
import { call } from "./harness.ts"
import { makeTree, type Tree } from "./tree.ts"

let tree: Tree
beforeAll(async () => {
  tree = await makeTree()
})
afterAll(async () => tree.cleanup())

const grep = (args: object, overrides = {}) => call(tree.root, "grep", args, overrides)

const hasRg = (() => {
  try {
    execFileSync("rg", ["--version"], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
})()

describe("grep (JavaScript engine)", () => {
  it.effect("finds matches as path:line: text, sorted by path", () =>
    Effect.gen(function* () {
      const outcome = yield* grep({ pattern: "needle" })
      expect(outcome.error).toBeNull()
      expect(outcome.output.split("\n")).toEqual([
        "README.md:2: needle in readme",
        "docs/guide.md:1: guide needle",
        `long-line.txt:1: ${"x".repeat(500)} …[line cut at 500 chars]`,
        "src/a.ts:2: // needle one",
        "src/crlf.txt:1: first needle",
        "src/nested/deep/c.ts:1: deep needle"
      ])
    })
  )
  it.effect("skips binaries, gitignored files, .git, secrets and symlinks", () =>
    Effect.gen(function* () {
      const outcome = yield* grep({ pattern: "needle|SECRET", case_insensitive: true })
      expect(outcome.output).not.toMatch(/image\.bin|dist|app\.log|generated|\.env|id_rsa|\.pem|\.git\/|SECRET|link/)
    })
  )
  it.effect("regex and case_insensitive", () =>
    Effect.gen(function* () {
      const exact = yield* grep({ pattern: "^const [bB]eta", path: "src" })
      expect(exact.output).toBe("src/a.ts:3: const Beta = 2")
      const ci = yield* grep({ pattern: "needle (one|two)", case_insensitive: true, path: "src/a.ts" })
      expect(ci.output.split("\n")).toEqual(["src/a.ts:2: // needle one", "src/a.ts:5: // NEEDLE two"])
      const cs = yield* grep({ pattern: "needle (one|two)", path: "src/a.ts" })
      expect(cs.output).toBe("src/a.ts:2: // needle one")
    })
  )
  it.effect("`$` does not match before \\r, like ripgrep", () =>
    Effect.gen(function* () {
      const outcome = yield* grep({ pattern: "needle$", path: "src/crlf.txt" })
      expect(outcome.output).toBe("no matches")
    })
  )
  it.effect("context lines with separators", () =>
    Effect.gen(function* () {
      const outcome = yield* grep({ pattern: "needle|delta", case_insensitive: true, path: "src/a.ts", context: 1 })
      expect(outcome.output.split("\n")).toEqual([
        "src/a.ts-1- export const alpha = 1",
        "src/a.ts:2: // needle one",
        "src/a.ts-3- const Beta = 2",
        "src/a.ts-4- const gamma = 3",
        "src/a.ts:5: // NEEDLE two",
        "src/a.ts:6: const delta = 4"
      ])
      const spaced = yield* grep({ pattern: "needle", glob: "*.md", context: 1 })
      expect(spaced.output.split("\n")).toEqual([
        "README.md-1- # Project",
        "README.md:2: needle in readme",
        "--",
        "docs/guide.md:1: guide needle"
      ])
    })
  )
  it.effect("glob filter", () =>
    Effect.gen(function* () {
      const outcome = yield* grep({ pattern: "needle", glob: "src/**/*.ts" })
      expect(outcome.output.split("\n")).toEqual(["src/a.ts:2: // needle one", "src/nested/deep/c.ts:1: deep needle"])
    })
  )
  it.effect("caps matches and counts them all", () =>
    Effect.gen(function* () {
      const outcome = yield* grep({ pattern: "^line \\d+$", path: "many.txt" })
      expect(outcome.truncated).toBe(true)
      const lines = outcome.output.split("\n")
      expect(lines).toHaveLength(201)
      expect(lines[199]).toBe("many.txt:200: line 200")
      expect(lines[200]).toBe("[truncated: 200 of 3,000 matches (in 1 files) shown; narrow the pattern or add a glob or path]")
    })
  )
  it.effect("long lines are cut in results", () =>
    Effect.gen(function* () {
      const outcome = yield* grep({ pattern: "x+needle", path: "long-line.txt" })
      expect(outcome.output.length).toBeLessThan(700)
      expect(outcome.output).toMatch(/^long-line\.txt:1: x+ …\[line cut at 500 chars\]$/)
    })
  )
  it.effect("files over the size limit are skipped with a note", () =>
    Effect.gen(function* () {
      const outcome = yield* grep({ pattern: "second line" }, { grepMaxFileBytes: 1024 * 1024 })
      expect(outcome.output).toBe("no matches\n[1 files larger than 1,048,576 bytes were not searched]")
    })
  )
  it.effect("invalid regex is a readable error", () =>
    Effect.gen(function* () {
      const outcome = yield* grep({ pattern: "(unclosed" })
      expect(outcome.error).toMatch(/invalid regular expression/)
    })
  )
  it.effect("path outside is refused", () =>
    Effect.gen(function* () {
      const outcome = yield* grep({ pattern: "needle", path: "dirlink-out" })
      expect(outcome.error).toMatch(/resolves outside/)
    })
  )
})

describe.skipIf(!hasRg)("grep (ripgrep engine)", () => {
  const both = (args: object) =>
    Effect.gen(function* () {
      const rg = yield* makeTools({ ...defaultLimits, grepEngine: "rg" }, process.env.PATH ?? "")
      const js = yield* makeTools({ ...defaultLimits, grepEngine: "js" }, "")
      const a = yield* rg.run(tree.root, "grep", JSON.stringify(args))
      const b = yield* js.run(tree.root, "grep", JSON.stringify(args))
      expect(a).toEqual(b)
    })
  it.effect("gives the same results as the JavaScript engine", () =>
    Effect.gen(function* () {
      yield* both({ pattern: "needle" })
      yield* both({ pattern: "NEEDLE", case_insensitive: true, context: 2 })
      yield* both({ pattern: "needle", glob: "*.md" })
      yield* both({ pattern: "^line \\d+$" })
      yield* both({ pattern: "needle", path: "src" })
      yield* both({ pattern: "needle", path: "src/generated.ts" })
      yield* both({ pattern: "needle", path: "dist" })
      yield* both({ pattern: "(unclosed" })
      yield* both({ pattern: "needle", path: "link-out" })
    })
  )
})
