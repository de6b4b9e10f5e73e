import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { spawnSync } from "node:child_process"
import { existsSync, promises as fs } from "node:fs"
import * as path from "node:path"
import { makeTools } from "../../../src/infra/tools/Tools.ts"
import { defaultLimits } from "../../../src/infra/tools/ToolLimits.ts"
import { makeHostileRepo, type HostileRepo } from "./gitFixture.ts"

let repo: HostileRepo
beforeAll(async () => {
  repo = await makeHostileRepo()
}, 120_000)
afterAll(async () => repo.cleanup())
beforeEach(async () => {
  for (const marker of await repo.markersLeft()) await fs.rm(path.join(repo.markers, marker))
})

const tools = makeTools({ ...defaultLimits, grepEngine: "js" }, process.env.PATH ?? "")
const call = (name: string, args: object) => Effect.flatMap(tools, (t) => t.run(repo.root, name, JSON.stringify(args)))

/** Every git tool, with the calls that make git read the work tree (filters) and render diffs (drivers, pager). */
const everyCall: ReadonlyArray<readonly [string, object]> = [
  ["git_log", {}],
  ["git_log", { path: "src/app.ts", max_count: 5 }],
  ["git_show", { rev: "HEAD" }],
  ["git_show", { rev: "HEAD~2", path: "README.md" }],
  ["git_diff", {}],
  ["git_diff", { path: "README.md" }],
  ["git_diff", { path: "vendor" }],
  ["git_diff", { from: "HEAD~2", to: "HEAD" }],
  ["git_diff", { from: "HEAD~2" }],
  ["git_blame", { path: "src/app.ts" }],
  ["git_blame", { path: "README.md" }],
  ["git_blame", { path: "README.md", rev: "HEAD" }]
]

describe("git tools against a hostile repository", () => {
  it.effect("the repository really is hostile: plain git runs its fsmonitor, filters, textconv, external diff, ssh for a missing object and the embedded repository's own", () =>
    Effect.gen(function* () {
      // git as a person would run it (no system or user config), to prove the markers can appear
      const env = { PATH: process.env.PATH ?? "", HOME: repo.base, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" }
      for (const args of [["diff"], ["blame", "README.md"], ["diff", "HEAD~2", "HEAD", "--", "README.md"], ["diff", "HEAD", "--", "vendor"], ["cat-file", "blob", "lazy:proj/lazy.txt"]]) {
        spawnSync("git", args, { cwd: repo.root, env, stdio: "ignore", timeout: 20_000 })
      }
      const left = yield* Effect.promise(() => repo.markersLeft())
      expect(left).toEqual(["fsmonitor", "inc-clean", "inc-external", "inc-textconv", "process", "ssh", "sub-clean", "sub-fsmonitor"])
    })
  )

  it.effect("no config, attribute, hook or included file runs anything, and nothing is written under .git", () =>
    Effect.gen(function* () {
      const before = yield* Effect.promise(() => repo.gitDirDigest())
      for (const [name, args] of everyCall) {
        const outcome = yield* call(name, args)
        expect(outcome.error, `${name} ${JSON.stringify(args)}`).toBeNull()
        expect(outcome.output, `${name} ${JSON.stringify(args)}`).not.toMatch(/\u001b\[/)
      }
      expect(yield* Effect.promise(() => repo.markersLeft())).toEqual([])
      expect(yield* Effect.promise(() => repo.gitDirDigest())).toBe(before)
    })
  )

  it.effect("a missing object is never fetched: no transport, so no ssh command or credential helper", () =>
    Effect.gen(function* () {
      const show = yield* call("git_show", { rev: "lazy", path: "lazy.txt" })
      expect(show.error).toMatch(/^git: warning: lazy fetching disabled; .*fatal: git cat-file lazy\^\{commit\}:proj\/lazy.txt: bad file/)
      const diff = yield* call("git_diff", { from: "main", to: "lazy" })
      expect(diff.error).toMatch(/^git: warning: lazy fetching disabled; /)
      const log = yield* call("git_log", { rev: "lazy", max_count: 1 })
      expect(log.output).toMatch(/^[0-9a-f]{8}  2024-03-01  Ada Lovelace  Lazy$/m)
      expect(yield* Effect.promise(() => repo.markersLeft())).toEqual([])
    })
  )

  it.effect("the work-tree diff shows the uncommitted change as it is on disk, not through a filter", () =>
    Effect.gen(function* () {
      const diff = yield* call("git_diff", {})
      expect(diff.output).toContain("+export const b = 4")
      expect(diff.output).toContain("+third (uncommitted)")
      // diff.context=1 in the repository's config is overridden with git's default of 3
      expect(diff.output).toContain("@@ -1,2 +1,2 @@")
      const blame = yield* call("git_blame", { path: "src/app.ts" })
      expect(blame.output).toMatch(/^uncommitted .* 2\texport const b = 4$/m)
    })
  )

  it.effect("a rev that starts with '-' is refused by every tool; --output creates no file as rev or path", () =>
    Effect.gen(function* () {
      const target = path.join(repo.base, "x-output")
      const hostile: ReadonlyArray<readonly [string, object]> = [
        ["git_log", { rev: `--output=${target}` }],
        ["git_show", { rev: `--output=${target}` }],
        ["git_diff", { from: `--output=${target}` }],
        ["git_diff", { to: `--output=${target}` }],
        ["git_blame", { path: "README.md", rev: `--output=${target}` }],
        ["git_log", { rev: "-p" }],
        ["git_blame", { path: "README.md", rev: "--contents=/etc/passwd" }]
      ]
      for (const [name, args] of hostile) {
        const outcome = yield* call(name, args)
        expect(outcome.error, `${name} ${JSON.stringify(args)}`).toMatch(/refused, a revision may not start with '-'/)
      }
      // as a path it is only a name that matches nothing
      expect((yield* call("git_log", { path: `--output=${target}` })).output).toBe("(no commits)")
      expect((yield* call("git_diff", { path: `--output=${target}` })).output).toBe("(no differences)")
      expect((yield* call("git_show", { rev: "HEAD", path: `--output=${target}` })).error).toMatch(/^git: fatal: path 'proj\/--output=.*' does not exist in 'HEAD\^\{commit\}'/)
      expect((yield* call("git_blame", { path: `--output=${target}`, rev: "HEAD" })).error).toMatch(/^git: fatal: no such path proj\/--output=/)
      expect(existsSync(target)).toBe(false)
      expect(existsSync(path.join(repo.root, `--output=${target}`))).toBe(false)
    })
  )

  it.effect("argv only: shell syntax in a rev or path is just a name git does not know", () =>
    Effect.gen(function* () {
      const marker = path.join(repo.markers, "shell")
      const rev = yield* call("git_log", { rev: `HEAD;touch ${marker}` })
      expect(rev.error).toMatch(/^git: /)
      const sub = yield* call("git_diff", { path: `$(touch ${marker})` })
      expect(sub.error).toBeNull()
      expect(sub.output).toBe("(no differences)")
      expect(existsSync(marker)).toBe(false)
    })
  )
})
