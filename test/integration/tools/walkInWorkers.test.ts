import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { promises as fs } from "node:fs"
import * as path from "node:path"
import { findFiles } from "../../../src/infra/tools/FindFiles.ts"
import { grep } from "../../../src/infra/tools/Grep.ts"
import { makeSecretRules } from "../../../src/infra/tools/Secrets.ts"
import type { ToolContext } from "../../../src/infra/tools/ToolContext.ts"
import { defaultLimits } from "../../../src/infra/tools/ToolLimits.ts"
import { makeTempBase, writeFiles } from "./tree.ts"

/**
 * grep and find_files walk on the worker threads when the secret rules can be rebuilt there
 * (the matcher carries its .boocodeignore text), and on the event loop otherwise. Both walks
 * must show exactly the same files: same .gitignore, .boocodeignore and secret rules, same order.
 */
describe("the walk on the worker threads", () => {
  let base: string
  let root: string
  let onWorkers: ToolContext
  let here: ToolContext

  beforeAll(async () => {
    base = await makeTempBase("boocode-walk-workers-")
    root = path.join(base, "proj")
    await writeFiles(root, {
      ".gitignore": "build/\n*.tmp\n!keep.tmp\n",
      ".boocodeignore": "private/\n!.env.example\n",
      ".env": "needle env\n",
      ".env.example": "needle example\n",
      "keep.tmp": "needle kept tmp\n",
      "drop.tmp": "needle dropped tmp\n",
      "build/out.js": "needle build\n",
      "private/notes.md": "needle private\n",
      "config/id_ed25519": "needle key\n",
      ".git/HEAD": "needle git\n",
      "src/main.ts": "const needle = 1\n",
      "src/.gitignore": "gen/\n!gen/keep.ts\n*.snap\n",
      "src/gen/made.ts": "needle generated\n",
      "src/gen/keep.ts": "needle in an ignored folder\n",
      "src/a.snap": "needle snap\n",
      "src/deep/er/still/deeper/leaf.ts": "needle deep\n",
      "src/deep/er/.gitignore": "!*.snap\n",
      "src/deep/er/x.snap": "needle re-included snap\n",
      ...Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`wide/f${String(i).padStart(3, "0")}.txt`, i % 150 === 0 ? `needle ${i}\n` : "hay\n"]))
    })
    await fs.symlink("src", path.join(root, "src-link"))
    await fs.symlink("../outside.txt", path.join(root, "out-link.txt"))
    await fs.writeFile(path.join(base, "outside.txt"), "needle outside\n")
    const rules = await Effect.runPromise(makeSecretRules)
    const secrets = await Effect.runPromise(rules.forRoot(root))
    expect(secrets.projectRules).toBe("private/\n!.env.example\n")
    onWorkers = { root, secrets, limits: defaultLimits, rg: null }
    here = { ...onWorkers, secrets: { isHidden: secrets.isHidden } }
  })
  afterAll(async () => fs.rm(base, { recursive: true, force: true }))

  it.effect("grep finds the same lines in the same order as the walk on the event loop", () =>
    Effect.gen(function* () {
      const all = yield* grep(onWorkers, { pattern: "needle" })
      expect(all.output.split("\n")).toStrictEqual([
        ".env.example:1: needle example",
        "keep.tmp:1: needle kept tmp",
        "src/deep/er/still/deeper/leaf.ts:1: needle deep",
        "src/deep/er/x.snap:1: needle re-included snap",
        "src/main.ts:1: const needle = 1",
        "wide/f000.txt:1: needle 0",
        "wide/f150.txt:1: needle 150",
        "wide/f300.txt:1: needle 300",
        "wide/f450.txt:1: needle 450"
      ])
      expect(yield* grep(here, { pattern: "needle" })).toStrictEqual(all)
      for (const args of [
        { pattern: "needle", path: "src" },
        { pattern: "needle", path: "src/deep/er" },
        { pattern: "needle", glob: "*.snap" },
        { pattern: "needle", glob: "wide/**" },
        { pattern: "NEEDLE \\d+", case_insensitive: true, context: 1 },
        { pattern: "hay", path: "wide" }
      ])
        expect(yield* grep(onWorkers, args), JSON.stringify(args)).toStrictEqual(yield* grep(here, args))
    })
  )

  it.effect("find_files lists the same files in the same order, truncation included", () =>
    Effect.gen(function* () {
      const ts = yield* findFiles(onWorkers, { pattern: "**/*.ts" })
      expect(ts.output.split("\n")).toStrictEqual(["src/deep/er/still/deeper/leaf.ts", "src/main.ts"])
      expect(yield* findFiles(here, { pattern: "**/*.ts" })).toStrictEqual(ts)
      for (const args of [{ pattern: "*" }, { pattern: "*.snap" }, { pattern: "*", path: "src" }, { pattern: "f1*.txt", path: "wide" }])
        expect(yield* findFiles(onWorkers, args), JSON.stringify(args)).toStrictEqual(yield* findFiles(here, args))
      const few = { ...defaultLimits, findMaxResults: 7 }
      const truncated = yield* findFiles({ ...onWorkers, limits: few }, { pattern: "*.txt" })
      expect(truncated.truncated).toBe(true)
      expect(truncated.output.split("\n")).toStrictEqual([
        ...Array.from({ length: 7 }, (_, i) => `wide/f${String(i).padStart(3, "0")}.txt`),
        "[truncated: 7 of 600 files shown; use a narrower pattern or path]"
      ])
      expect(yield* findFiles({ ...here, limits: few }, { pattern: "*.txt" })).toStrictEqual(truncated)
    })
  )
})
