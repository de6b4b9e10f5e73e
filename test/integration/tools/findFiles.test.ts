import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { call } from "./harness.ts"
import { makeTree, type Tree } from "./tree.ts"

let tree: Tree
beforeAll(async () => {
  tree = await makeTree()
})
afterAll(async () => tree.cleanup())

const find = (args: object, overrides = {}) => call(tree.root, "find_files", args, overrides)

describe("find_files", () => {
  it.effect("a name glob matches at any depth", () =>
    Effect.gen(function* () {
      const outcome = yield* find({ pattern: "*.ts" })
      expect(outcome.output.split("\n")).toEqual(["src/a.ts", "src/b.ts", "src/nested/deep/c.ts"])
    })
  )
  it.effect("a path glob", () =>
    Effect.gen(function* () {
      const outcome = yield* find({ pattern: "src/**/*.ts" })
      expect(outcome.output.split("\n")).toEqual(["src/a.ts", "src/b.ts", "src/nested/deep/c.ts"])
      const top = yield* find({ pattern: "src/*.ts" })
      expect(top.output.split("\n")).toEqual(["src/a.ts", "src/b.ts"])
    })
  )
  it.effect("gitignored files, .git, secrets and outside symlinks never appear", () =>
    Effect.gen(function* () {
      const outcome = yield* find({ pattern: "**" })
      expect(outcome.output).not.toMatch(/dist|app\.log|generated|\.env|id_rsa|\.pem|\.git\/|secret\.txt|leak/)
      expect(outcome.output).toContain("README.md")
    })
  )
  it.effect("gitignore negation re-includes", () =>
    Effect.gen(function* () {
      const outcome = yield* find({ pattern: "*.log" })
      expect(outcome.output).toBe("keep.log")
    })
  )
  it.effect("within a path", () =>
    Effect.gen(function* () {
      const outcome = yield* find({ pattern: "*.md", path: "docs" })
      expect(outcome.output).toBe("docs/guide.md")
    })
  )
  it.effect("caps results", () =>
    Effect.gen(function* () {
      const outcome = yield* find({ pattern: "**" }, { findMaxResults: 2 })
      expect(outcome.truncated).toBe(true)
      expect(outcome.output).toMatch(/truncated: 2 of \d+ files shown/)
    })
  )
  it.effect("no match", () =>
    Effect.gen(function* () {
      const outcome = yield* find({ pattern: "*.rs" })
      expect(outcome.output).toBe("no files match *.rs")
      expect(outcome.error).toBeNull()
    })
  )
})
