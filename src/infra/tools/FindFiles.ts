import { Effect, Schema, Stream } from "effect"
import { count, note } from "./Format.ts"
import * as PathGuard from "./PathGuard.ts"
import type { ToolContext, ToolResult } from "./ToolContext.ts"
import { compileGlob } from "./globRule.ts"
import { ToolError } from "./ToolError.ts"
import { ignoresAbove, walk } from "./Walker.ts"
import { compareWalkOrder, filesOf, maxWalkDepth } from "./walkRules.ts"
import { rulesForWorkers, walkInWorkers } from "./grep/walkInWorkers.ts"

export const FindFilesArgs = Schema.Struct({
  pattern: Schema.String.pipe(Schema.minLength(1)).annotations({
    description: "Glob such as `**/*.ts` or `src/**/test_*.py`, matched against paths relative to the project root; a pattern without `/` matches file names at any depth"
  }),
  path: Schema.optional(Schema.String.annotations({ description: "Directory to search in, relative to the project root (default: the root)" }))
})
export type FindFilesArgs = typeof FindFilesArgs.Type

export const findFilesDescription =
  "Find files whose path matches a glob; prints one root-relative path per line, sorted. Gitignored files, .git and secrets are skipped."

/** picomatch matcher on root-relative paths; a pattern with no slash matches the base name. */
export const globMatcher = (pattern: string) =>
  Effect.try({
    try: () => compileGlob(pattern),
    catch: () => new ToolError({ message: `invalid glob: ${pattern}` })
  })

/** Keeps the first `max` paths in walk order, whatever order they arrive in, and counts them all. */
const firstInWalkOrder = (max: number) => {
  const kept: Array<string> = []
  let total = 0
  const add = (rel: string) => {
    total++
    if (max === 0 || (kept.length === max && compareWalkOrder(rel, kept[max - 1]) > 0)) return
    let lo = 0
    let hi = kept.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (compareWalkOrder(kept[mid], rel) < 0) lo = mid + 1
      else hi = mid
    }
    kept.splice(lo, 0, rel)
    if (kept.length > max) kept.pop()
  }
  return { add, found: () => ({ paths: kept, total }) }
}

/** The walk on the worker threads (walkInWorkers), files only, no search. */
const findInWorkers = (context: ToolContext, target: PathGuard.Target, pattern: string, projectRules: string) =>
  Effect.gen(function* () {
    const keeper = firstInWalkOrder(context.limits.findMaxResults)
    const above = yield* ignoresAbove(context.root, target.rel)
    yield* walkInWorkers(
      { root: context.root, projectRules, glob: pattern, maxDepth: maxWalkDepth, search: null, inlineFiles: 0 },
      { abs: target.abs, rel: target.rel, depth: 1, ignores: filesOf(above) },
      (result) => {
        for (const file of result.files) keeper.add(file.rel)
        return []
      }
    )
    return keeper.found()
  })

/** The walk on the event loop: when the secret rules cannot be rebuilt on a worker, or workers cannot start. */
const findHere = (context: ToolContext, target: PathGuard.Target, matches: (rel: string) => boolean) =>
  walk({ root: context.root, startAbs: target.abs, startRel: target.rel, maxDepth: maxWalkDepth, secrets: context.secrets }).pipe(
    Stream.filter((entry) => entry.kind === "file" && matches(entry.rel)),
    Stream.runFold({ paths: new Array<string>(), total: 0 }, (acc, entry) => {
      if (acc.paths.length < context.limits.findMaxResults) acc.paths.push(entry.rel)
      return { paths: acc.paths, total: acc.total + 1 }
    })
  )

export const findFiles = Effect.fn("Tools.findFiles")(function* (context: ToolContext, args: FindFilesArgs) {
  const { limits } = context
  const target = yield* PathGuard.resolve(context.root, args.path ?? ".", context.secrets)
  if (target.kind !== "dir") return yield* new ToolError({ message: `${target.rel}: is a file; give a directory as path` })
  const matches = yield* globMatcher(args.pattern)
  const projectRules = rulesForWorkers(context.secrets)
  const found = projectRules !== undefined
    ? yield* findInWorkers(context, target, args.pattern, projectRules)
    : yield* findHere(context, target, matches)
  if (found.total === 0) return { output: `no files match ${args.pattern}`, truncated: false }
  const truncated = found.total > limits.findMaxResults
  const lines = [...found.paths]
  if (truncated) {
    lines.push(note(`truncated: ${count(found.paths.length)} of ${count(found.total)} files shown; use a narrower pattern or path`))
  }
  const result: ToolResult = { output: lines.join("\n"), truncated }
  return result
})
