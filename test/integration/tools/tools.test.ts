import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import { Tools } from "../../../src/infra/tools/Tools.ts"
import { makeTree, type Tree } from "./tree.ts"

let tree: Tree
beforeAll(async () => {
  tree = await makeTree()
})
afterAll(async () => tree.cleanup())

const configured = Tools.layer.pipe(
  Layer.provide(
    Layer.setConfigProvider(
      ConfigProvider.fromMap(new Map([["BOOCODE_TOOLS_GREP_ENGINE", "js"], ["BOOCODE_TOOLS_GREP_MAX_MATCHES", "2"], ["PATH", ""]]), { pathDelim: "_" })
    )
  )
)

describe("Tools service", () => {
  it.layer(configured)((it) => {
    it.effect("offers four definitions with JSON schemas", () =>
      Effect.gen(function* () {
        const tools = yield* Tools
        expect(tools.definitions.map((d) => d.name)).toEqual(["view_file", "list_dir", "grep", "find_files"])
        const view = tools.definitions[0]
        expect(view.parameters).toMatchObject({
          type: "object",
          required: ["path"],
          properties: { path: { type: "string" }, start_line: { type: "integer" }, line_count: { type: "integer" } }
        })
        expect(JSON.stringify(tools.definitions)).not.toMatch(/\$schema|\$ref|"title"/)
        const grep = tools.definitions[2]
        expect(grep.parameters).toMatchObject({ properties: { case_insensitive: { type: "boolean" }, context: { type: "integer", maximum: 10 } } })
      })
    )
    it.effect("reads limits from Config", () =>
      Effect.gen(function* () {
        const tools = yield* Tools
        const outcome = yield* tools.run(tree.root, "grep", JSON.stringify({ pattern: "needle" }))
        expect(outcome.truncated).toBe(true)
        expect(outcome.output).toMatch(/truncated: 2 of 6 matches/)
      })
    )
    it.effect("never fails: unknown tools, bad JSON, schema errors, bad roots", () =>
      Effect.gen(function* () {
        const tools = yield* Tools
        const unknown = yield* tools.run(tree.root, "rm_rf", "{}")
        expect(unknown).toEqual({ output: "", truncated: false, error: expect.stringMatching(/unknown tool rm_rf; available: view_file, list_dir, grep, find_files/) })
        const badJson = yield* tools.run(tree.root, "view_file", "{path:")
        expect(badJson.error).toMatch(/invalid arguments for view_file/)
        const missing = yield* tools.run(tree.root, "view_file", "{}")
        expect(missing.error).toMatch(/path/)
        const wrongType = yield* tools.run(tree.root, "grep", JSON.stringify({ pattern: "x", context: "2" }))
        expect(wrongType.error).toMatch(/invalid arguments for grep/)
        const badRoot = yield* tools.run("/nonexistent/root", "list_dir", "{}")
        expect(badRoot.error).toMatch(/not accessible/)
        const emptyArgs = yield* tools.run(tree.root, "list_dir", "")
        expect(emptyArgs.error).toBeNull()
      })
    )
  })
})
