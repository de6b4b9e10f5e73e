import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { jsTools } from "./harness.ts"
import { makeTree, type Tree } from "./tree.ts"

let tree: Tree
beforeAll(async () => {
  tree = await makeTree()
})
afterAll(async () => tree.cleanup())

const errorOf = (name: string, rawArgs: string) =>
  Effect.flatMap(jsTools(), (tools) => tools.run(tree.root, name, rawArgs)).pipe(Effect.map((outcome) => outcome.error ?? ""))

describe("Tools: arguments that do not decode", () => {
  it.effect("not JSON: the error names the parse problem and shows what was sent", () =>
    Effect.gen(function* () {
      const raw = '{"path": "src/a.ts", "start_line": 1'
      const error = yield* errorOf("view_file", raw)
      expect(error).toMatch(/^invalid arguments for view_file: .*JSON/)
      expect(error.endsWith(`\narguments received: ${raw}`)).toBe(true)
    }))

  it.effect("wrong types: every bad field is named, then the raw arguments", () =>
    Effect.gen(function* () {
      const raw = JSON.stringify({ pattern: 5, context: "2" })
      expect(yield* errorOf("grep", raw)).toBe(
        'invalid arguments for grep: pattern: Expected string, actual 5; context: Expected number, actual "2"\n' +
          `arguments received: ${raw}`
      )
    }))

  it.effect("a missing field is named, with the raw arguments", () =>
    Effect.gen(function* () {
      expect(yield* errorOf("view_file", '{"start_line":3}')).toBe(
        'invalid arguments for view_file: path: is missing\narguments received: {"start_line":3}'
      )
    }))

  it.effect("long arguments are cut to 200 characters with an ellipsis, and so is a long bad value", () =>
    Effect.gen(function* () {
      const raw = JSON.stringify({ pattern: "x", context: "9".repeat(5000) })
      const error = yield* errorOf("grep", raw)
      expect(error.endsWith(`\narguments received: ${raw.slice(0, 200)}… (5,028 characters in all)`)).toBe(true)
      expect(error.length).toBeLessThan(500)
    }))

  it.effect("a cut never splits a surrogate pair", () =>
    Effect.gen(function* () {
      const raw = `{"path": ${"😀".repeat(150)}`
      const error = yield* errorOf("view_file", raw)
      expect(error.endsWith(`\narguments received: ${raw.slice(0, 199)}… (309 characters in all)`)).toBe(true)
    }))
})
