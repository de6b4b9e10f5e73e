import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { call } from "./harness.ts"
import { makeTree, type Tree } from "./tree.ts"

let tree: Tree
beforeAll(async () => {
  tree = await makeTree()
})
afterAll(async () => tree.cleanup())

const list = (args: object, overrides = {}) => call(tree.root, "list_dir", args, overrides)

describe("list_dir", () => {
  it.effect("lists one level with kinds and sizes", () =>
    Effect.gen(function* () {
      const outcome = yield* list({})
      expect(outcome.error).toBeNull()
      const lines = outcome.output.split("\n")
      expect(lines).toContain("dir  src/")
      expect(lines).toContain("file 27  README.md")
      expect(lines).toContain("symlink  link-inside -> src/a.ts")
      expect(lines).toContain("symlink  dirlink-inside -> src/")
      expect(lines).toContain("symlink  link-out (points outside the project)")
      expect(lines).toContain("symlink  loop-a (broken or looping)")
      expect(lines).toContain("symlink  env-link (hidden)")
      expect(outcome.output).not.toContain("file 98  src/a.ts")
      expect(outcome.output).not.toContain("SECRET")
    })
  )
  it.effect("skips .git, gitignored files and secrets", () =>
    Effect.gen(function* () {
      const outcome = yield* list({ depth: 5 })
      expect(outcome.output).not.toMatch(/\.git\//)
      expect(outcome.output).not.toMatch(/dist/)
      expect(outcome.output).not.toMatch(/app\.log/)
      expect(outcome.output).not.toMatch(/generated\.ts/)
      expect(outcome.output).not.toMatch(/\.env/)
      expect(outcome.output).not.toMatch(/id_rsa/)
      expect(outcome.output).not.toMatch(/server\.pem/)
      expect(outcome.output).toContain(".gitignore")
    })
  )
  it.effect("depth descends", () =>
    Effect.gen(function* () {
      const one = yield* list({ path: "src" })
      expect(one.output).toContain("dir  src/nested/")
      expect(one.output).not.toContain("src/nested/deep/")
      const three = yield* list({ path: "src", depth: 3 })
      expect(three.output).toContain("dir  src/nested/deep/")
      expect(three.output).toContain("file 12  src/nested/deep/c.ts")
    })
  )
  it.effect("depth above the maximum is a readable error", () =>
    Effect.gen(function* () {
      const outcome = yield* list({ depth: 9 })
      expect(outcome.error).toMatch(/invalid arguments for list_dir/)
    })
  )
  it.effect("caps entries", () =>
    Effect.gen(function* () {
      const outcome = yield* list({ depth: 5 }, { listMaxEntries: 3 })
      const lines = outcome.output.split("\n")
      expect(lines).toHaveLength(4)
      expect(outcome.truncated).toBe(true)
      expect(lines[3]).toMatch(/truncated: first 3 entries shown/)
    })
  )
  it.effect("a directory symlink to the outside is refused", () =>
    Effect.gen(function* () {
      const outcome = yield* list({ path: "dirlink-out" })
      expect(outcome.error).toMatch(/resolves outside/)
    })
  )
  it.effect("an inside directory symlink lists its target", () =>
    Effect.gen(function* () {
      const outcome = yield* list({ path: "dirlink-inside" })
      expect(outcome.output).toContain("file 98  src/a.ts")
    })
  )
})
