import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { promises as fs } from "node:fs"
import * as path from "node:path"
import { makeTools } from "../../../src/infra/tools/Tools.ts"
import { defaultLimits } from "../../../src/infra/tools/ToolLimits.ts"
import { commitAll, git, makeHostileRepo, type HostileRepo } from "./gitFixture.ts"

let repo: HostileRepo
beforeAll(async () => {
  // a tracked symlink out of the project
  repo = await makeHostileRepo(async (top, root) => {
    await fs.symlink("../../outside.txt", path.join(root, "link-out"))
    commitAll(top, "Add a link", "2024-03-04T12:00:00Z")
  })
}, 120_000)
afterAll(async () => repo.cleanup())

const tools = makeTools({ ...defaultLimits, grepEngine: "js" }, process.env.PATH ?? "")
const call = (name: string, args: object) => Effect.flatMap(tools, (t) => t.run(repo.root, name, JSON.stringify(args)))
const withRules = (rules: string | null) =>
  Effect.promise(() => (rules === null ? fs.rm(path.join(repo.root, ".boocodeignore"), { force: true }) : fs.writeFile(path.join(repo.root, ".boocodeignore"), rules)))

const secretText = /super-secret|PEM-SECRET/

describe("git tools keep the other tools' scope", () => {
  it.effect("a secret file cannot be read through a rev, a path, a blame or a log", () =>
    Effect.gen(function* () {
      yield* withRules(null)
      const refusedByRules: ReadonlyArray<readonly [string, object]> = [
        ["git_show", { rev: "HEAD", path: ".env" }],
        ["git_show", { rev: "HEAD~2", path: "keys/server.pem" }],
        ["git_show", { rev: "HEAD", path: "./src/../.env" }],
        ["git_blame", { path: ".env" }],
        ["git_blame", { path: ".env", rev: "HEAD" }],
        ["git_log", { path: ".env" }],
        ["git_diff", { path: ".env" }]
      ]
      for (const [name, args] of refusedByRules) {
        const outcome = yield* call(name, args)
        expect(outcome, `${name} ${JSON.stringify(args)}`).toMatchObject({ error: expect.stringMatching(/refused, hidden by the project's secret rules/) })
      }
      // a folder holding a secret is not itself hidden: its secret files are left out of the diff
      expect(yield* call("git_diff", { path: "keys" })).toEqual({ output: "(no differences)", truncated: false, error: null })
      for (const rev of ["HEAD:.env", "HEAD:proj/.env", ":.env", "HEAD~1:../outside-project.txt"]) {
        const outcome = yield* call("git_show", { rev })
        expect(outcome.error, rev).toMatch(/':' is not allowed/)
      }
    })
  )

  it.effect("diffs and commits that touch secrets leave those files out and say so", () =>
    Effect.gen(function* () {
      yield* withRules(null)
      const checks: ReadonlyArray<readonly [string, object, number]> = [
        ["git_diff", {}, 0],
        ["git_diff", { from: "HEAD~3", to: "HEAD" }, 0],
        ["git_show", { rev: "HEAD~1" }, 0],
        ["git_show", { rev: "HEAD~3" }, 0]
      ]
      for (const [name, args] of checks) {
        const outcome = yield* call(name, args)
        expect(outcome.error).toBeNull()
        expect(outcome.output, `${name} ${JSON.stringify(args)}`).not.toMatch(secretText)
        expect(outcome.output).not.toMatch(/\.env|server\.pem/)
      }
      const diff = yield* call("git_diff", { from: "HEAD~3", to: "HEAD" })
      expect(diff.output).toContain("diff --git a/src/app.ts b/src/app.ts")
      expect(diff.output).toContain("diff --git a/private/notes.txt b/private/notes.txt")
    })
  )

  it.effect(".boocodeignore rules (negations included) apply to diff sections, blame and show", () =>
    Effect.gen(function* () {
      yield* withRules("private/\n!.env\n")
      const diff = yield* call("git_diff", { from: "HEAD~3", to: "HEAD" })
      expect(diff.output).not.toContain("PRIVATE-NOTE")
      expect(diff.output).toContain("[1 file(s) left out: hidden by the project's secret rules]")
      expect(diff.output).toContain("diff --git a/src/app.ts b/src/app.ts")
      const show = yield* call("git_show", { rev: "HEAD~3", path: "private/notes.txt" })
      expect(show.error).toMatch(/hidden by the project's secret rules/)
      // re-allowed by the project: the default exclude pathspec still keeps .env out of diffs
      const env = yield* call("git_show", { rev: "HEAD~1", path: ".env" })
      expect(env.error).toBeNull()
      expect(env.output).toBe("     1\tAPI_KEY=super-secret-v2")
      yield* withRules(null)
    })
  )

  it.effect("with the repository's top above the project, nothing outside the project folder is shown", () =>
    Effect.gen(function* () {
      yield* withRules(null)
      const log = yield* call("git_log", {})
      expect(log.output.split("\n").map((l) => l.split("  ").pop())).toEqual(["Add a link", "Change b and rotate the key", "First commit"])
      const outsideCommit = git(repo.top, ["rev-parse", "--short", "HEAD~2"]).trim()
      const show = yield* call("git_show", { rev: outsideCommit })
      expect(show).toEqual({ output: "(the commit changes nothing in the project folder that can be shown)", truncated: false, error: null })
      for (const [name, args] of [["git_diff", {}], ["git_diff", { from: "HEAD~3", to: "HEAD" }]] as const) {
        const outcome = yield* call(name, args)
        expect(outcome.output).not.toContain("OUTSIDE THE PROJECT")
        expect(outcome.output).not.toContain(".gitattributes")
      }
      for (const [name, args] of [
        ["git_show", { rev: "HEAD", path: "../outside-project.txt" }],
        ["git_blame", { path: "../outside-project.txt", rev: "HEAD" }],
        ["git_log", { path: "../outside-project.txt" }],
        ["git_diff", { path: ".." }],
        ["git_show", { rev: "HEAD", path: path.join(repo.top, "outside-project.txt") }]
      ] as const) {
        const outcome = yield* call(name, args)
        expect(outcome.error, `${name} ${JSON.stringify(args)}`).toMatch(/refused, (the path escapes the project root|absolute path outside the project root)/)
      }
    })
  )

  it.effect("a tracked symlink out of the project: the work-tree blame is refused by the guard, history shows only the link's text", () =>
    Effect.gen(function* () {
      const blame = yield* call("git_blame", { path: "link-out" })
      expect(blame.error).toMatch(/symlink .* resolves outside the project root/)
      const show = yield* call("git_show", { rev: "HEAD", path: "link-out" })
      expect(show.output).toBe("     1\t../../outside.txt")
      expect(show.output).not.toContain("OUTSIDE THE REPOSITORY")
    })
  )

  it.effect("paths in output are relative to the project root", () =>
    Effect.gen(function* () {
      const diff = yield* call("git_diff", { path: "src" })
      expect(diff.output.split("\n").slice(0, 4)).toEqual([
        "diff --git a/src/app.ts b/src/app.ts", expect.stringMatching(/^index /), "--- a/src/app.ts", "+++ b/src/app.ts"
      ])
    })
  )
})
