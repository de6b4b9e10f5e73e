import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { execFileSync } from "node:child_process"
import { promises as fs, readFileSync } from "node:fs"
import * as path from "node:path"
import { makeTools } from "../../../src/infra/tools/Tools.ts"
import { defaultLimits, type GrepEngine } from "../../../src/infra/tools/ToolLimits.ts"
import { makeTempBase } from "./tree.ts"

const fileCount = 20_000
let base: string
let root: string

beforeAll(async () => {
  base = await makeTempBase("boocode-interrupt-")
  root = path.join(base, "proj")
  const body = Array.from({ length: 40 }, (_, i) => `const value${i} = "some text line ${i}"`).join("\n") + "\n"
  for (let d = 0; d < 200; d++) {
    const dir = path.join(root, `pkg${String(d).padStart(3, "0")}`, "src")
    await fs.mkdir(dir, { recursive: true })
    await Promise.all(
      Array.from({ length: fileCount / 200 }, (_, f) => fs.writeFile(path.join(dir, `file${f}.ts`), body + (f === 7 ? "needle\n" : "")))
    )
  }
}, 120_000)
afterAll(async () => fs.rm(base, { recursive: true, force: true }))

const hasRg = (() => {
  try {
    execFileSync("rg", ["--version"], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
})()

const ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim())

/**
 * CPU time (ms) of the main thread alone, from /proc: GC helpers and the libuv pool run on other
 * threads and do not block the loop, so process.cpuUsage() would count work that never stalled it.
 */
const mainThreadCpuMs = (): number => {
  const stat = readFileSync(`/proc/${process.pid}/task/${process.pid}/stat`, "utf8")
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond
}

/**
 * Records, while `effect` runs, the largest gap between ticks of a 10 ms timer and the largest CPU
 * time the main thread used within one gap. A blocked loop burns CPU through the whole gap; a loop
 * that only waited for a busy machine (other test files, other builds) does not.
 */
const watchLoop = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.acquireUseRelease(
    Effect.sync(() => {
      const state = { last: Date.now(), cpu: mainThreadCpuMs(), maxGap: 0, maxCpuInGap: 0, ticks: 0, timer: setInterval(() => undefined, 1_000) }
      clearInterval(state.timer)
      state.timer = setInterval(() => {
        const now = Date.now()
        const cpu = mainThreadCpuMs()
        state.maxGap = Math.max(state.maxGap, now - state.last)
        state.maxCpuInGap = Math.max(state.maxCpuInGap, cpu - state.cpu)
        state.last = now
        state.cpu = cpu
        state.ticks++
      }, 10)
      return state
    }),
    (state) => Effect.map(effect, (value) => ({ value, state })),
    (state) => Effect.sync(() => clearInterval(state.timer))
  )

/** Not blocked: no gap where the process itself was busy for 100 ms; a loose wall-clock bound too. */
const expectLoopFree = (state: { readonly maxGap: number; readonly maxCpuInGap: number }) => {
  expect(state.maxCpuInGap).toBeLessThan(100)
  expect(state.maxGap).toBeLessThan(500)
}

/** ripgrep processes that are children of this test worker. */
const childRgCount = () => {
  try {
    return execFileSync("pgrep", ["-P", String(process.pid), "-x", "rg"], { encoding: "utf8" }).trim().split("\n").length
  } catch {
    return 0
  }
}

const engines: ReadonlyArray<GrepEngine> = hasRg ? ["js", "rg"] : ["js"]

describe.each(engines)("grep on 20,000 files (%s engine)", (engine) => {
  const tools = () => makeTools({ ...defaultLimits, grepEngine: engine }, process.env.PATH ?? "")

  it.live("a full grep does not block the event loop", () =>
    Effect.gen(function* () {
      const t = yield* tools()
      const { value, state } = yield* watchLoop(t.run(root, "grep", JSON.stringify({ pattern: "needle|value39" })))
      expect(value.error).toBeNull()
      expect(value.truncated).toBe(true)
      expect(value.output).toMatch(/200 of 20,200 matches/)
      expect(state.ticks).toBeGreaterThan(3)
      expectLoopFree(state)
    })
  )

  it.live("interrupting after 50 ms ends within 1 s while the loop keeps ticking", () =>
    Effect.gen(function* () {
      const t = yield* tools()
      const { value, state } = yield* watchLoop(
        Effect.gen(function* () {
          const fiber = yield* Effect.fork(t.run(root, "grep", JSON.stringify({ pattern: "no such text anywhere" })))
          yield* Effect.sleep("50 millis")
          const stillRunning = fiber.unsafePoll() === null
          const rgBefore = childRgCount()
          const started = Date.now()
          yield* Fiber.interrupt(fiber)
          return { stillRunning, rgBefore, elapsed: Date.now() - started }
        })
      )
      expect(value.stillRunning).toBe(true)
      expect(value.rgBefore).toBe(engine === "rg" ? 1 : 0)
      expect(value.elapsed).toBeLessThan(1_000)
      expectLoopFree(state)
      yield* Effect.sleep("100 millis")
      expect(childRgCount()).toBe(0)
    })
  )
})
