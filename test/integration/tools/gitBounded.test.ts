import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber } from "effect"
import { execFileSync } from "node:child_process"
import { promises as fs, readFileSync } from "node:fs"
import * as path from "node:path"
import { runTools } from "../../../src/app/turns/runTools.ts"
import { makeTools } from "../../../src/infra/tools/Tools.ts"
import { defaultLimits } from "../../../src/infra/tools/ToolLimits.ts"
import { makeHistoryRepo } from "./gitHistory.ts"
import { makeTempBase } from "./tree.ts"

/** The turn runner's default per-call limit (BOOCODE_TOOL_TIMEOUT). */
const toolTimeout = Duration.seconds(30)

let base: string
let root: string
beforeAll(async () => {
  base = await makeTempBase("boocode-git-bounded-")
  root = path.join(base, "history")
  await makeHistoryRepo(root, { commits: 10_000, bigLines: 5_000, bigEvery: 10 })
}, 120_000)
afterAll(async () => fs.rm(base, { recursive: true, force: true }))

const tools = makeTools({ ...defaultLimits, grepEngine: "js" }, process.env.PATH ?? "")

/** Runs calls the way a turn does: under the per-call time limit. */
const timed = (name: string, args: object) =>
  Effect.gen(function* () {
    const t = yield* tools
    const started = Date.now()
    const [result] = yield* runTools(t, root, [{ id: "c", name, args: JSON.stringify(args) }], { concurrency: 1, timeout: toolTimeout })
    return { outcome: result.outcome, ms: Date.now() - started }
  })

/** git processes that are children of this test worker. */
const childGits = (): ReadonlyArray<number> => {
  try {
    return execFileSync("pgrep", ["-P", String(process.pid), "-x", "git"], { encoding: "utf8" }).trim().split("\n").map(Number)
  } catch {
    return []
  }
}

/** Still running: the process exists and is not a zombie (killed, waiting to be reaped by Node). */
const running = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z"
  } catch {
    return false
  }
}

describe("git tools on 10,000 commits and a 5,000-line file", () => {
  it.live("git_log over the whole history and git_blame of the big file finish within the tool time limit", () =>
    Effect.gen(function* () {
      const log = yield* timed("git_log", { max_count: 200 })
      expect(log.outcome.error).toBeNull()
      expect(log.outcome.output.split("\n").slice(0, 200)).toHaveLength(200)
      expect(log.outcome.output.split("\n")[0]).toMatch(/^[0-9a-f]{8,}  2023-11-\d\d  \w+ \w+  Commit number 10000$/)
      const logBig = yield* timed("git_log", { path: "big.txt", max_count: 200, rev: "HEAD~9000" })
      expect(logBig.outcome.output.split("\n")[0]).toMatch(/Commit number 1000$/)
      const first = yield* timed("git_blame", { path: "big.txt" })
      expect(first.outcome.error).toBeNull()
      expect(first.outcome.truncated).toBe(true)
      expect(first.outcome.output.split("\n").at(-1)).toBe("[truncated: showing lines 1-2,000; continue with start_line=2001]")
      const last = yield* timed("git_blame", { path: "big.txt", start_line: 4001 })
      expect(last.outcome.error).toBeNull()
      expect(last.outcome.truncated).toBe(false)
      expect(last.outcome.output.split("\n")).toHaveLength(1000)
      expect(last.outcome.output.split("\n").at(-1)).toMatch(/ 5000\tline 5000: /)
      for (const x of [log, logBig, first, last]) expect(x.ms).toBeLessThan(Duration.toMillis(toolTimeout))
    })
  )

  it.live("a cancel kills git within 100 ms", () =>
    Effect.gen(function* () {
      const t = yield* tools
      const times: Array<number> = []
      for (let run = 0; run < 5; run++) {
        const fiber = yield* Effect.fork(t.run(root, "git_blame", JSON.stringify({ path: "big.txt", rev: "HEAD" })))
        // wait until the blame's git process is running (the lookup's own short-lived git calls come first)
        const pid = yield* Effect.gen(function* () {
          for (;;) {
            const pids = childGits()
            if (pids.length === 1 && fiber.unsafePoll() === null) {
              const args = yield* Effect.promise(() => fs.readFile(`/proc/${pids[0]}/cmdline`, "utf8").catch(() => ""))
              if (args.includes("blame")) return pids[0]
            }
            yield* Effect.sleep("5 millis")
          }
        }).pipe(Effect.timeoutFail({ duration: "10 seconds", onTimeout: () => new Error("git blame never started") }))
        const started = performance.now()
        yield* Fiber.interrupt(fiber)
        // the kernel ends a killed process without this process's help: poll /proc synchronously
        while (running(pid) && performance.now() - started < 2_000) continue
        const stoppedAfter = performance.now() - started
        expect(running(pid)).toBe(false)
        times.push(stoppedAfter)
      }
      // the median, so one run on a machine busy with other work (the CPU given elsewhere) does not decide
      times.sort((a, b) => a - b)
      expect(times[2]).toBeLessThan(100)
      expect(times[4]).toBeLessThan(1_000)
    })
  )

  it.live("the tool time limit stops a call and its git", () =>
    Effect.gen(function* () {
      const t = yield* tools
      const [result] = yield* runTools(t, root, [{ id: "c", name: "git_blame", args: JSON.stringify({ path: "big.txt", rev: "HEAD" }) }], {
        concurrency: 1,
        timeout: Duration.millis(150)
      })
      expect(result.outcome.error).toBe("git_blame took longer than 150ms and was stopped; narrow the request")
      // killed when the limit hit: within moments no child git runs (a zombie waiting for Node to reap it does not)
      const started = performance.now()
      while (childGits().some(running) && performance.now() - started < 1_000) continue
      expect(childGits().filter(running)).toEqual([])
    })
  )
})
