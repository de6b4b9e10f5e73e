import { Effect } from "effect"
import { execFile, execFileSync } from "node:child_process"
import { promises as fs } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { makeTools } from "../../src/infra/tools/Tools.ts"
import { defaultLimits } from "../../src/infra/tools/ToolLimits.ts"
import { makeHistoryRepo } from "../../test/integration/tools/gitHistory.ts"
import { repeat, type Spread, spread } from "../lib/stats.ts"

/** The git section: git_log, git_blame and git_diff through the tool against the same git command run directly. */
export interface GitFigure {
  readonly commits: number
  readonly bigLines: number
  readonly generateSeconds: number
  readonly gitVersion: string
  readonly rows: ReadonlyArray<{ readonly what: string; readonly direct: string; readonly directMs: Spread; readonly toolMs: Spread; readonly ratio: Spread }>
}

/** git as a person runs it: no system or user config, stdout collected in full. */
const runGitDirect = (cwd: string, args: ReadonlyArray<string>) =>
  new Promise<number>((resolve, reject) => {
    execFile("git", [...args], {
      cwd,
      maxBuffer: 256 * 1024 * 1024,
      env: { PATH: process.env.PATH ?? "", HOME: cwd, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" }
    }, (error, stdout) => (error ? reject(error) : resolve(stdout.length)))
  })

export const runGit = async (
  options: { readonly runs: number; readonly commits: number; readonly bigLines: number; readonly bigEvery: number },
  log: (line: string) => void
): Promise<GitFigure> => {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), "boocode-bench-git-"))
  try {
    const root = path.join(base, "history")
    const t = performance.now()
    await makeHistoryRepo(root, options)
    // an uncommitted change to the big file, for the work-tree diff
    const big = (await fs.readFile(path.join(root, "big.txt"), "utf8")).split("\n")
    for (let j = 100; j < big.length; j += 500) big[j] = `${big[j]} (edited)`
    await fs.writeFile(path.join(root, "big.txt"), big.join("\n"))
    const generateSeconds = (performance.now() - t) / 1000
    log(`  generated ${options.commits} commits in ${generateSeconds.toFixed(1)} s`)
    const tools = await Effect.runPromise(makeTools({ ...defaultLimits, grepEngine: "js" }, process.env.PATH ?? ""))
    const window = defaultLimits.viewMaxLines
    const cases: ReadonlyArray<{ what: string; tool: string; args: object; direct: ReadonlyArray<string> }> = [
      {
        what: "git_log, 200 commits",
        tool: "git_log", args: { max_count: 200 },
        direct: ["log", "--max-count=200", "--date=short", "--format=%h %ad %an %s"]
      },
      {
        what: "git_log of big.txt, 200 commits",
        tool: "git_log", args: { max_count: 200, path: "big.txt" },
        direct: ["log", "--max-count=200", "--date=short", "--format=%h %ad %an %s", "--", "big.txt"]
      },
      {
        what: `git_blame of big.txt at HEAD, lines 1-${window}`,
        tool: "git_blame", args: { path: "big.txt", rev: "HEAD" },
        direct: ["blame", "--porcelain", "-L", `1,+${window}`, "HEAD", "--", "big.txt"]
      },
      {
        what: "git_blame of big.txt at HEAD, lines 4001-5000",
        tool: "git_blame", args: { path: "big.txt", rev: "HEAD", start_line: 4001 },
        direct: ["blame", "--porcelain", "-L", "4001,+1000", "HEAD", "--", "big.txt"]
      },
      {
        what: "git_diff HEAD~5000..HEAD",
        tool: "git_diff", args: { from: "HEAD~5000", to: "HEAD" },
        direct: ["diff", "HEAD~5000", "HEAD"]
      },
      {
        what: "git_diff of the work tree",
        tool: "git_diff", args: {},
        direct: ["diff", "HEAD"]
      }
    ]
    const rows: Array<GitFigure["rows"][number]> = []
    for (const c of cases) {
      const runTool = async () => {
        const outcome = await Effect.runPromise(tools.run(root, c.tool, JSON.stringify(c.args)))
        if (outcome.error !== null) throw new Error(`${c.tool} failed: ${outcome.error}`)
      }
      // warm the page cache and the tool's repository lookup
      await runGitDirect(root, c.direct)
      await runTool()
      const direct: Array<number> = []
      const tool: Array<number> = []
      // interleaved, so both contenders see the same machine
      await repeat(options.runs, async () => {
        let s = performance.now()
        await runGitDirect(root, c.direct)
        direct.push(performance.now() - s)
        s = performance.now()
        await runTool()
        tool.push(performance.now() - s)
      })
      const directMedian = spread(direct).median
      rows.push({ what: c.what, direct: `git ${c.direct.join(" ")}`, directMs: spread(direct), toolMs: spread(tool), ratio: spread(tool.map((x) => x / directMedian)) })
      log(`  ${c.what}: git ${directMedian.toFixed(1)} ms, tool ${spread(tool).median.toFixed(1)} ms`)
    }
    const gitVersion = execFileSync("git", ["--version"], { encoding: "utf8" }).trim()
    return { commits: options.commits, bigLines: options.bigLines, generateSeconds, gitVersion, rows }
  } finally {
    await fs.rm(base, { recursive: true, force: true })
  }
}
