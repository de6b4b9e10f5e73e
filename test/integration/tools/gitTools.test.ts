import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFileSync } from "node:child_process"
import { promises as fs } from "node:fs"
import * as path from "node:path"
import { makeTools } from "../../../src/infra/tools/Tools.ts"
import { defaultLimits, type ToolLimits } from "../../../src/infra/tools/ToolLimits.ts"
import { commitAll, git } from "./gitFixture.ts"
import { makeTempBase, writeFiles } from "./tree.ts"

let base: string
let root: string
let plain: string
const hashes: Array<string> = []
beforeAll(async () => {
  base = await makeTempBase("boocode-git-tools-")
  root = path.join(base, "repo")
  plain = path.join(base, "plain")
  await writeFiles(plain, { "a.txt": "not a repository\n" })
  await writeFiles(root, { "src/main.ts": "const one = 1\n", "README.md": "# Demo\n" })
  git(root, ["init", "-q", "-b", "main"])
  commitAll(root, "Start the demo", "2024-01-01T09:00:00Z")
  await writeFiles(root, { "src/main.ts": "const one = 1\nconst two = 2\n", "logo.bin": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]) })
  commitAll(root, "Add two and a logo", "2024-01-02T09:00:00Z")
  await writeFiles(root, {
    "src/main.ts": "const one = 1\nconst two = 22\nconst three = 3\n",
    "long.txt": Array.from({ length: 30 }, (_, i) => `long line ${i + 1}`).join("\n") + "\n"
  })
  commitAll(root, "Three, and a long file", "2024-01-03T09:00:00Z")
  hashes.push(...git(root, ["log", "--format=%h", "--abbrev=8"]).trim().split("\n"))
  await writeFiles(root, { "src/main.ts": "const one = 1\nconst two = 22\nconst three = 33\n" })
}, 30_000)
afterAll(async () => fs.rm(base, { recursive: true, force: true }))

const toolsWith = (overrides: Partial<ToolLimits> = {}) => makeTools({ ...defaultLimits, grepEngine: "js", ...overrides }, process.env.PATH ?? "")
const call = (name: string, args: object, overrides: Partial<ToolLimits> = {}) =>
  Effect.flatMap(toolsWith(overrides), (t) => t.run(root, name, JSON.stringify(args)))

describe("git tools", () => {
  it.effect("are offered inside a git work tree only", () =>
    Effect.gen(function* () {
      const tools = yield* toolsWith()
      expect((yield* tools.definitionsFor(root)).map((d) => d.name)).toEqual([
        "view_file", "list_dir", "grep", "find_files", "git_log", "git_show", "git_diff", "git_blame"
      ])
      expect((yield* tools.definitionsFor(path.join(root, "src"))).map((d) => d.name)).toHaveLength(8)
      expect((yield* tools.definitionsFor(plain)).map((d) => d.name)).toEqual(["view_file", "list_dir", "grep", "find_files"])
      expect((yield* tools.definitionsFor(path.join(root, ".git"))).map((d) => d.name)).toHaveLength(4)
      const outside = yield* tools.run(plain, "git_log", "{}")
      expect(outside.error).toBe("the project folder is not inside a git work tree; the git tools do not apply")
      const log = tools.definitions.find((d) => d.name === "git_log")
      expect(log).toBeUndefined()
      const blame = (yield* tools.definitionsFor(root)).find((d) => d.name === "git_blame")
      expect(blame?.parameters).toMatchObject({ required: ["path"], properties: { start_line: { type: "integer" }, end_line: { type: "integer" } } })
    })
  )

  it.effect("a plain folder is asked of git once, not at every turn, and gets the git tools once it becomes a repository", () =>
    Effect.gen(function* () {
      const bin = path.join(base, "counting-bin")
      const calls = path.join(base, "git-calls.txt")
      const folder = path.join(base, "later-repo")
      yield* Effect.promise(async () => {
        await writeFiles(folder, { "a.txt": "plain for now\n" })
        await fs.mkdir(bin, { recursive: true })
        const realGit = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim()
        await fs.writeFile(path.join(bin, "git"), `#!/bin/sh\necho "$*" >> '${calls}'\nexec '${realGit}' "$@"\n`, { mode: 0o755 })
      })
      const tools = yield* makeTools({ ...defaultLimits, grepEngine: "js" }, bin)
      const callsSoFar = () => Effect.promise(() => fs.readFile(calls, "utf8").then((t) => t.trim().split("\n"), () => []))
      for (let turn = 0; turn < 3; turn++) expect((yield* tools.definitionsFor(folder)).map((d) => d.name)).toHaveLength(4)
      const asked = yield* callsSoFar()
      expect(asked).toHaveLength(1)
      expect(asked[0]).toContain(" rev-parse ")
      git(folder, ["init", "-q", "-b", "main"])
      expect((yield* tools.definitionsFor(folder)).map((d) => d.name)).toHaveLength(8)
      expect((yield* callsSoFar())[1]).toContain(" rev-parse ")
    })
  )

  it.effect("git_log: one line per commit, newest first; max_count, rev ranges and paths narrow it", () =>
    Effect.gen(function* () {
      const all = yield* call("git_log", {})
      expect(all).toEqual({
        output: [
          `${hashes[0]}  2024-01-03  Ada Lovelace  Three, and a long file`,
          `${hashes[1]}  2024-01-02  Ada Lovelace  Add two and a logo`,
          `${hashes[2]}  2024-01-01  Ada Lovelace  Start the demo`
        ].join("\n"),
        truncated: false,
        error: null
      })
      const one = yield* call("git_log", { max_count: 1 })
      expect(one.output).toBe(`${hashes[0]}  2024-01-03  Ada Lovelace  Three, and a long file\n[showing 1 commits; there may be more: raise max_count (at most 200) or give an older rev]`)
      const range = yield* call("git_log", { rev: "HEAD~2..HEAD~1" })
      expect(range.output).toBe(`${hashes[1]}  2024-01-02  Ada Lovelace  Add two and a logo`)
      const byPath = yield* call("git_log", { path: "long.txt" })
      expect(byPath.output.split("\n")).toHaveLength(1)
      const tooMany = yield* call("git_log", { max_count: 201 })
      expect(tooMany.error).toMatch(/invalid arguments for git_log: max_count/)
      const unknown = yield* call("git_log", { rev: "no-such-branch" })
      expect(unknown.error).toMatch(/^git: fatal: bad revision 'no-such-branch\^\{commit\}'/)
    })
  )

  it.effect("git_show: a commit with its diff; a file at a revision with line numbers; binary files reported", () =>
    Effect.gen(function* () {
      const commit = yield* call("git_show", { rev: hashes[1] })
      expect(commit.output).toMatch(/^commit [0-9a-f]{40}\nAuthor: Ada Lovelace <ada@example\.org>\nDate: {3}2024-01-02 09:00:00 \+0000\n\n {4}Add two and a logo\n/)
      expect(commit.output).toContain("diff --git a/src/main.ts b/src/main.ts")
      expect(commit.output).toContain("+const two = 2")
      expect(commit.output).toContain("Binary files /dev/null and b/logo.bin differ")
      const file = yield* call("git_show", { rev: "HEAD~1", path: "src/main.ts" })
      expect(file.output).toBe("     1\tconst one = 1\n     2\tconst two = 2")
      const binary = yield* call("git_show", { rev: "HEAD", path: "logo.bin" })
      expect(binary.output).toBe("binary file at HEAD, 8 bytes")
      const missing = yield* call("git_show", { rev: "HEAD~2", path: "long.txt" })
      expect(missing.error).toMatch(/^git: fatal: path 'long\.txt' exists on disk, but not in 'HEAD~2\^\{commit\}'/)
      const capped = yield* call("git_show", { rev: "HEAD", path: "long.txt" }, { viewMaxLines: 5 })
      expect(capped.truncated).toBe(true)
      expect(capped.output.split("\n")).toEqual([
        "     1\tlong line 1", "     2\tlong line 2", "     3\tlong line 3", "     4\tlong line 4", "     5\tlong line 5",
        "[truncated: showing the first 5 of 30 lines; view_file or grep the current file, or git_blame a line range]"
      ])
      const tree = yield* call("git_show", { rev: "HEAD^{tree}" })
      expect(tree.error).toMatch(/^git: error: HEAD\^\{tree\}\^\{commit\}: expected commit type, but the object dereferences to tree type/)
    })
  )

  it.effect("git_diff: the work tree against HEAD by default, or two commits; capped by lines and bytes", () =>
    Effect.gen(function* () {
      const work = yield* call("git_diff", {})
      const workLines = work.output.split("\n")
      expect(workLines[1]).toMatch(/^index [0-9a-f]+\.\.[0-9a-f]+ 100644$/)
      expect([workLines[0], ...workLines.slice(2)]).toEqual([
        "diff --git a/src/main.ts b/src/main.ts", "--- a/src/main.ts", "+++ b/src/main.ts",
        "@@ -1,3 +1,3 @@", " const one = 1", " const two = 22", "-const three = 3", "+const three = 33"
      ])
      const between = yield* call("git_diff", { from: "HEAD~2", to: "HEAD~1", path: "src" })
      expect(between.output).toContain("+const two = 2")
      expect(between.output).not.toContain("logo.bin")
      const lines = yield* call("git_diff", { from: "HEAD~2", to: "HEAD" }, { viewMaxLines: 6 })
      expect(lines.truncated).toBe(true)
      expect(lines.output.split("\n")).toHaveLength(7)
      expect(lines.output).toMatch(/\n\[truncated: showing the first 6 of \d+ lines; narrow with path\]$/)
      const bytes = yield* call("git_diff", { from: "HEAD~2", to: "HEAD" }, { maxOutputBytes: 200 })
      expect(bytes.truncated).toBe(true)
      expect(bytes.output).toMatch(/\[truncated: output limit of 200 bytes reached; narrow the request\]$/)
    })
  )

  it.effect("git_blame: hash, date, author, line number and text per line; windows with start_line and end_line", () =>
    Effect.gen(function* () {
      const blame = yield* call("git_blame", { path: "src/main.ts", rev: "HEAD" })
      expect(blame.output.split("\n")).toEqual([
        `${hashes[2].padEnd(11)} 2024-01-01 ${"Ada Lovelace".padEnd(24)}      1\tconst one = 1`,
        `${hashes[0].padEnd(11)} 2024-01-03 ${"Ada Lovelace".padEnd(24)}      2\tconst two = 22`,
        `${hashes[0].padEnd(11)} 2024-01-03 ${"Ada Lovelace".padEnd(24)}      3\tconst three = 3`
      ])
      const work = yield* call("git_blame", { path: "src/main.ts", start_line: 3 })
      expect(work.output).toMatch(/^uncommitted \d{4}-\d\d-\d\d Not Committed Yet +3\tconst three = 33$/)
      const window = yield* call("git_blame", { path: "long.txt", start_line: 10, end_line: 12 })
      expect(window.output.split("\n").map((l) => l.split("\t")[1])).toEqual(["long line 10", "long line 11", "long line 12"])
      expect(window.truncated).toBe(false)
      const capped = yield* call("git_blame", { path: "long.txt", start_line: 25 }, { viewMaxLines: 3 })
      expect(capped.truncated).toBe(true)
      expect(capped.output.split("\n").at(-1)).toBe("[truncated: showing lines 25-27; continue with start_line=28]")
      const past = yield* call("git_blame", { path: "long.txt", start_line: 31 })
      expect(past.error).toMatch(/^git: fatal: file long\.txt has only 30 lines/)
      const backwards = yield* call("git_blame", { path: "long.txt", start_line: 5, end_line: 4 })
      expect(backwards.error).toBe("end_line 4 is before start_line 5")
    })
  )

  it.effect("a filter driver added to the config after a first call is neutralised too (the config is read again)", () =>
    Effect.gen(function* () {
      const tools = yield* toolsWith()
      expect((yield* tools.run(root, "git_diff", "{}")).error).toBeNull()
      const marker = path.join(base, "late-filter-ran")
      const script = path.join(base, "late.sh")
      yield* Effect.promise(async () => {
        await fs.writeFile(script, `#!/bin/sh\ntouch '${marker}'\ncat\n`, { mode: 0o755 })
        await fs.writeFile(path.join(root, ".git", "info", "attributes"), "* filter=late\n")
      })
      git(root, ["config", "filter.late.clean", script])
      const after = yield* tools.run(root, "git_diff", "{}")
      expect(after.error).toBeNull()
      expect(after.output).toContain("+const three = 33")
      const ran = yield* Effect.promise(() => fs.access(marker).then(() => true, () => false))
      expect(ran).toBe(false)
      git(root, ["config", "--unset", "filter.late.clean"])
    })
  )

  it.effect("an included config file that appears after a first call is read too", () =>
    Effect.gen(function* () {
      const tools = yield* toolsWith()
      const included = path.join(base, "later.gitconfig")
      git(root, ["config", "include.path", included])
      expect((yield* tools.run(root, "git_diff", "{}")).error).toBeNull()
      const marker = path.join(base, "included-filter-ran")
      const script = path.join(base, "included.sh")
      yield* Effect.promise(async () => {
        await fs.writeFile(script, `#!/bin/sh\ntouch '${marker}'\ncat\n`, { mode: 0o755 })
        await fs.writeFile(path.join(root, ".git", "info", "attributes"), "* filter=later\n")
        await fs.writeFile(included, `[filter "later"]\n\tclean = ${script}\n\trequired = true\n`)
      })
      const after = yield* tools.run(root, "git_diff", "{}")
      expect(after.error).toBeNull()
      expect(after.output).toContain("+const three = 33")
      const ran = yield* Effect.promise(() => fs.access(marker).then(() => true, () => false))
      expect(ran).toBe(false)
      git(root, ["config", "--unset", "include.path"])
    })
  )
})
