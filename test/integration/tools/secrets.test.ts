import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { promises as fs } from "node:fs"
import * as path from "node:path"
import { call, jsTools } from "./harness.ts"
import { makeTempBase, writeFiles } from "./tree.ts"

let base: string
let root: string
beforeAll(async () => {
  base = await makeTempBase("boocode-secrets-")
  root = path.join(base, "proj")
  await writeFiles(root, {
    ".env": "TOKEN=needle-env\n",
    ".env.example": "TOKEN=needle-example\n",
    "certs/dev.pem": "needle pem\n",
    ".npmrc": "//registry/:_authToken=needle\n",
    ".aws/credentials": "needle aws\n",
    "home/.ssh/id_ed25519": "needle key\n",
    "credentials.json": "{\"needle\": 1}\n",
    "private/notes.txt": "needle private\n",
    "src/main.ts": "needle main\n"
  })
})
afterAll(async () => fs.rm(base, { recursive: true, force: true }))

const setProjectRules = (rules: string | null) =>
  Effect.promise(() =>
    rules === null ? fs.rm(path.join(root, ".boocodeignore"), { force: true }) : fs.writeFile(path.join(root, ".boocodeignore"), rules)
  )

describe("secrets", () => {
  it.effect("hidden by default from all four tools", () =>
    Effect.gen(function* () {
      yield* setProjectRules(null)
      for (const p of [".env", ".env.example", "certs/dev.pem", ".npmrc", ".aws/credentials", "home/.ssh/id_ed25519", "credentials.json"]) {
        const viewed = yield* call(root, "view_file", { path: p })
        expect(viewed.error, p).toMatch(/secret rules/)
      }
      const listed = yield* call(root, "list_dir", { depth: 5 })
      expect(listed.output).not.toMatch(/\.env|\.pem|\.npmrc|\.aws|\.ssh|credentials/)
      const found = yield* call(root, "find_files", { pattern: "**" })
      expect(found.output.split("\n")).toEqual(["private/notes.txt", "src/main.ts"])
      const grepped = yield* call(root, "grep", { pattern: "needle" })
      expect(grepped.output.split("\n")).toEqual(["private/notes.txt:1: needle private", "src/main.ts:1: needle main"])
      const dir = yield* call(root, "list_dir", { path: ".aws" })
      expect(dir.error).toMatch(/secret rules/)
    })
  )
  it.effect(".boocodeignore re-allows with ! and hides more; changes are picked up", () =>
    Effect.gen(function* () {
      const tools = yield* jsTools()
      const call = (r: string, name: string, args: object) => tools.run(r, name, JSON.stringify(args))
      yield* setProjectRules("!.env.example\nprivate/\n")
      const example = yield* call(root, "view_file", { path: ".env.example" })
      expect(example.output).toContain("needle-example")
      const env = yield* call(root, "view_file", { path: ".env" })
      expect(env.error).toMatch(/secret rules/)
      const priv = yield* call(root, "view_file", { path: "private/notes.txt" })
      expect(priv.error).toMatch(/secret rules/)
      const grepped = yield* call(root, "grep", { pattern: "needle" })
      expect(grepped.output.split("\n")).toEqual([".env.example:1: TOKEN=needle-example", "src/main.ts:1: needle main"])
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 20)))
      yield* setProjectRules("# nothing\n")
      const again = yield* call(root, "view_file", { path: ".env.example" })
      expect(again.error).toMatch(/secret rules/)
      const back = yield* call(root, "view_file", { path: "private/notes.txt" })
      expect(back.error).toBeNull()
    })
  )
})
