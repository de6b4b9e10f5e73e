import { Effect } from "effect"
import { spawn } from "node:child_process"
import { constants, promises as fs } from "node:fs"
import * as path from "node:path"
import * as GitIgnore from "./GitIgnore.ts"
import type { Collector, GrepLine } from "./GrepCollector.ts"
import type { GrepQuery } from "./GrepQuery.ts"
import type { ToolContext } from "./ToolContext.ts"
import { ToolError } from "./ToolError.ts"
import { makeLineSplitter } from "./LineSplitter.ts"
import { dataText, decodeRgLine } from "./RgMessage.ts"

/** The first executable `rg` on PATH, or null. */
export const findRg = Effect.fn("Grep.findRg")(function* (pathEnv: string) {
  for (const dir of pathEnv.split(path.delimiter).filter((d) => d !== "")) {
    const candidate = path.join(dir, "rg")
    const ok = yield* Effect.tryPromise(() => fs.access(candidate, constants.X_OK)).pipe(
      Effect.as(true),
      Effect.orElseSucceed(() => false)
    )
    if (ok) return candidate
  }
  return null
})

/**
 * ripgrep flags chosen to match the JavaScript engine: same ignore files, no symlinks. Not
 * `--sort path`, which makes ripgrep single-threaded: the collector puts files in order instead.
 */
export const rgArgs = (query: GrepQuery, maxFileBytes: number): ReadonlyArray<string> => [
  "--json",
  "--no-config",
  "--hidden",
  "--no-follow",
  "--no-require-git",
  "--no-ignore-global",
  "--no-ignore-exclude",
  "--no-ignore-dot",
  "--no-ignore-parent",
  "--max-filesize",
  String(maxFileBytes),
  "--glob",
  "!.git",
  "--context",
  String(query.context),
  ...(query.caseInsensitive ? ["--ignore-case"] : ["--case-sensitive"]),
  "-e",
  query.pattern,
  "--",
  query.target.rel === "" ? "." : query.target.rel
]

const normalize = (rel: string) => (rel.startsWith("./") ? rel.slice(2) : rel)

/**
 * Runs ripgrep with cwd at the project root and feeds each file's hits to the collector, dropping
 * files the guard would hide or the glob excludes. Interruption kills the child.
 */
export const grepRg = (rg: string, context: ToolContext, query: GrepQuery, collector: Collector) =>
  Effect.flatMap(aboveTarget(context.root, query.target.kind === "dir" ? query.target.rel : ""), (above) => spawnRg(rg, context, query, collector, above)).pipe(
    Effect.withSpan("Grep.rg")
  )

/**
 * ripgrep runs with --no-ignore-parent (so nothing above the project root leaks in); the
 * .gitignore files between the root and a searched subdirectory are applied here instead.
 */
const aboveTarget = (root: string, targetRel: string) => {
  if (targetRel === "") return Effect.succeed(GitIgnore.emptyStack)
  const parent = path.posix.dirname(targetRel)
  return GitIgnore.stackFor(root, parent === "." ? "" : parent)
}

const spawnRg = (rg: string, context: ToolContext, query: GrepQuery, collector: Collector, above: GitIgnore.IgnoreStack) =>
  Effect.async<void, ToolError>((resume) => {
    const child = spawn(rg, rgArgs(query, context.limits.grepMaxFileBytes), {
      cwd: context.root,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stderr = ""
    let current: { rel: string; lines: Array<GrepLine> } | null = null
    // a file the guard would hide or the glob excludes is decided at "begin"; its lines are never kept
    const wanted = (rel: string) => !context.secrets.isHidden(rel, false) && !GitIgnore.isIgnored(above, rel, false) && query.matchesGlob(rel)
    const onLine = (raw: string) => {
      const message = decodeRgLine(raw)
      if (message === null) return
      switch (message.type) {
        case "begin": {
          const rel = normalize(dataText(message.path))
          current = wanted(rel) ? { rel, lines: [] } : null
          return
        }
        case "match":
        case "context": {
          if (current === null || message.lineNumber === null) return
          const text = dataText(message.lines).replace(/\r?\n$/, "").slice(0, context.limits.grepLineChars + 1)
          current.lines.push({ n: message.lineNumber, text, match: message.type === "match" })
          return
        }
        case "end": {
          // the file ended is the file begun: a path mismatch means a confused stream, and is dropped
          if (current !== null && current.rel === normalize(dataText(message.path))) collector.add(current)
          current = null
          return
        }
      }
    }
    // a JSON message holds at most a line of a file under --max-filesize, twice, escaped
    const splitter = makeLineSplitter(2 * context.limits.grepMaxFileBytes + 65_536, onLine, () => {})
    child.stdout.setEncoding("utf8")
    child.stdout.on("data", (chunk: string) => splitter.push(chunk))
    child.stderr.setEncoding("utf8")
    child.stderr.on("data", (chunk: string) => {
      if (stderr.length < 4096) stderr += chunk
    })
    child.on("error", (error) => resume(Effect.fail(new ToolError({ message: `ripgrep failed to start: ${error.message}` }))))
    child.on("close", (code) => {
      splitter.end()
      if (code === 0 || code === 1) resume(Effect.void)
      else if (code === 2 && stderr.includes("regex")) resume(Effect.fail(new ToolError({ message: `invalid regular expression: ${stderr.trim()}` })))
      else resume(Effect.void)
    })
    return Effect.sync(() => {
      child.kill("SIGKILL")
    })
  })
