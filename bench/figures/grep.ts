import { Effect, Fiber } from "effect"
import { execFile, execFileSync } from "node:child_process"
import { promises as fs } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { makeTools } from "../../src/infra/tools/Tools.ts"
import { defaultLimits, type GrepEngine } from "../../src/infra/tools/ToolLimits.ts"
import { proseText, repeat, sleep, type Spread, spread } from "../lib/stats.ts"

/** Figure 6: the grep tool (JS engine, rg engine) against ripgrep itself, and interruption. */
export interface GrepFigure {
  readonly files: number
  readonly treeMiB: number
  readonly nodeModulesFiles: number
  readonly rgVersion: string | null
  readonly rows: ReadonlyArray<{ readonly tree: string; readonly engine: string; readonly seconds: Spread; readonly vsRg: Spread | null; readonly matches: number }>
  readonly interrupt: ReadonlyArray<{ readonly engine: string; readonly ms: Spread }>
}

export const rgVersion = (): string | null => {
  try {
    return execFileSync("rg", ["--version"], { encoding: "utf8" }).split("\n")[0].trim()
  } catch {
    return null
  }
}

/** `dirs` × `perDir` TypeScript-ish files; one file in every other folder holds the needle. */
const makeTree = async (root: string, dirs: number, perDir: number) => {
  const lines = proseText(1400, 3).split(/(?<=\. )/).join("\n")
  const body = `// generated for the grep benchmark\n${lines}\nexport const value = 42\n`
  let bytes = 0
  for (let d = 0; d < dirs; d++) {
    const dir = path.join(root, `pkg${String(d).padStart(3, "0")}`, "src")
    await fs.mkdir(dir, { recursive: true })
    await Promise.all(
      Array.from({ length: perDir }, (_, f) => {
        const text = body + (f === 7 && d % 2 === 0 ? `const needle_${d} = "find me"\n` : "")
        bytes += text.length
        return fs.writeFile(path.join(dir, `file${f}.ts`), text)
      })
    )
  }
  return bytes
}

const countFiles = async (root: string): Promise<number> => {
  let n = 0
  for (const entry of await fs.readdir(root, { recursive: true, withFileTypes: true })) if (entry.isFile()) n++
  return n
}

/** ripgrep as a person would run it, over the same file set as the tool (hidden files, .gitignore without git). */
const runRg = (root: string, pattern: string) =>
  new Promise<number>((resolve, reject) => {
    execFile(
      "rg",
      ["--no-config", "--hidden", "--no-require-git", "--no-ignore-parent", "-n", "--", pattern, root],
      { maxBuffer: 256 * 1024 * 1024 },
      (error, stdout) => {
        if (error && error.code !== 1) return reject(error)
        resolve(stdout === "" ? 0 : stdout.trimEnd().split("\n").length)
      }
    )
  })

/** `rg --files` over the same file set: what find_files is compared with. */
const runRgFiles = (root: string) =>
  new Promise<number>((resolve, reject) => {
    execFile("rg", ["--files", "--no-config", "--hidden", "--no-require-git", "--no-ignore-parent", root], { maxBuffer: 256 * 1024 * 1024 }, (error, stdout) => {
      if (error) return reject(error)
      resolve(stdout === "" ? 0 : stdout.trimEnd().split("\n").length)
    })
  })

/** Files find_files reports: the total in its truncation note, else the lines. */
const foundFiles = (output: string): number => {
  const note = /of ([\d,]+) files shown/.exec(output)
  return note ? Number(note[1].replaceAll(",", "")) : output.split("\n").filter((l) => l !== "").length
}

const toolMatches = (output: string): number => {
  const summary = /(\d[\d,]*) (?:of [\d,]+ )?match/.exec(output)
  if (summary) return Number(summary[1].replaceAll(",", ""))
  return output.split("\n").filter((l) => /^[^\s].*:\d+: /.test(l)).length
}

export const runGrep = async (
  options: { readonly runs: number; readonly dirs: number; readonly perDir: number; readonly nodeModules: string; readonly interruptRuns: number },
  log: (line: string) => void
): Promise<GrepFigure> => {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), "boocode-bench-grep-"))
  try {
    const root = path.join(base, "tree")
    const t = performance.now()
    const bytes = await makeTree(root, options.dirs, options.perDir)
    log(`  generated ${options.dirs * options.perDir} files (${(bytes / 1024 ** 2).toFixed(0)} MiB) in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    const version = rgVersion()
    const engines: ReadonlyArray<GrepEngine> = version === null ? ["js"] : ["js", "rg"]
    const tools = new Map<GrepEngine, Effect.Effect.Success<ReturnType<typeof makeTools>>>()
    for (const engine of engines)
      tools.set(engine, await Effect.runPromise(makeTools({ ...defaultLimits, grepEngine: engine }, process.env.PATH ?? "")))

    const rows: Array<GrepFigure["rows"][number]> = []
    const trees = [
      { name: `generated, ${(options.dirs * options.perDir).toLocaleString("en-US")} files`, root, pattern: "needle_\\d+" },
      { name: "node_modules", root: options.nodeModules, pattern: "BOOCODE_BENCH_ABSENT_[0-9]+" }
    ]
    for (const tree of trees) {
      // Warm the page cache so every contender reads from memory.
      if (version !== null) await runRg(tree.root, tree.pattern)
      const rgTimes: Array<number> = []
      let rgMatches = 0
      if (version !== null) {
        await repeat(options.runs, async () => {
          const s = performance.now()
          rgMatches = await runRg(tree.root, tree.pattern)
          rgTimes.push((performance.now() - s) / 1000)
        })
        rows.push({ tree: tree.name, engine: "ripgrep itself", seconds: spread(rgTimes), vsRg: null, matches: rgMatches })
        log(`  ${tree.name}: rg ${spread(rgTimes).median.toFixed(3)} s, ${rgMatches} matches`)
      }
      for (const engine of engines) {
        const tool = tools.get(engine)
        if (tool === undefined) continue
        const times: Array<number> = []
        let matches = 0
        // one untimed run, as ripgrep had: the js engine starts its worker threads on first use
        await Effect.runPromise(tool.run(tree.root, "grep", JSON.stringify({ pattern: tree.pattern })))
        await repeat(options.runs, async () => {
          const s = performance.now()
          const outcome = await Effect.runPromise(tool.run(tree.root, "grep", JSON.stringify({ pattern: tree.pattern })))
          times.push((performance.now() - s) / 1000)
          if (outcome.error !== null) throw new Error(`grep tool failed: ${outcome.error}`)
          matches = toolMatches(outcome.output)
        })
        // Each run against ripgrep's median (the runs are not interleaved, so pairing them means nothing).
        const rgMedian = spread(rgTimes).median
        const ratios = rgTimes.length > 0 ? times.map((x) => x / rgMedian) : []
        rows.push({ tree: tree.name, engine: `grep tool, ${engine} engine`, seconds: spread(times), vsRg: ratios.length > 0 ? spread(ratios) : null, matches })
        log(`  ${tree.name}: tool/${engine} ${spread(times).median.toFixed(3)} s, ${matches} matches`)
      }
      // find_files (its walk is the js engine's) against rg --files
      const tool = tools.get("js")
      if (tool !== undefined && version !== null) {
        const listTimes: Array<number> = []
        let listed = 0
        await repeat(options.runs, async () => {
          const s = performance.now()
          listed = await runRgFiles(tree.root)
          listTimes.push((performance.now() - s) / 1000)
        })
        rows.push({ tree: tree.name, engine: "rg --files", seconds: spread(listTimes), vsRg: null, matches: listed })
        const findTimes: Array<number> = []
        let found = 0
        await Effect.runPromise(tool.run(tree.root, "find_files", JSON.stringify({ pattern: "*" })))
        await repeat(options.runs, async () => {
          const s = performance.now()
          const outcome = await Effect.runPromise(tool.run(tree.root, "find_files", JSON.stringify({ pattern: "*" })))
          findTimes.push((performance.now() - s) / 1000)
          if (outcome.error !== null) throw new Error(`find_files failed: ${outcome.error}`)
          found = foundFiles(outcome.output)
        })
        const listMedian = spread(listTimes).median
        rows.push({ tree: tree.name, engine: "find_files tool (÷ rg --files)", seconds: spread(findTimes), vsRg: spread(findTimes.map((x) => x / listMedian)), matches: found })
        log(`  ${tree.name}: rg --files ${listMedian.toFixed(3)} s, find_files ${spread(findTimes).median.toFixed(3)} s, ${found} files`)
      }
    }

    const interrupt: Array<GrepFigure["interrupt"][number]> = []
    for (const engine of engines) {
      const tool = tools.get(engine)
      if (tool === undefined) continue
      const ms = await repeat(options.interruptRuns, async () => {
        const fiber = Effect.runFork(tool.run(root, "grep", JSON.stringify({ pattern: "no such text anywhere" })))
        await sleep(50)
        if (fiber.unsafePoll() !== null) throw new Error("grep finished before it could be interrupted")
        const s = performance.now()
        await Effect.runPromise(Fiber.interrupt(fiber))
        return performance.now() - s
      })
      interrupt.push({ engine, ms: spread(ms) })
      log(`  interrupt (${engine}): median ${spread(ms).median.toFixed(1)} ms`)
    }
    return {
      files: options.dirs * options.perDir,
      treeMiB: bytes / 1024 ** 2,
      nodeModulesFiles: await countFiles(options.nodeModules),
      rgVersion: version,
      rows,
      interrupt
    }
  } finally {
    await fs.rm(base, { recursive: true, force: true })
  }
}
