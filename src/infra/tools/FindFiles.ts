import { Effect, Schema, Stream } from "effect"
import picomatch from "picomatch"
import { count, note } from "./Format.ts"
import * as PathGuard from "./PathGuard.ts"
import type { ToolContext, ToolResult } from "./ToolContext.ts"
import { ToolError } from "./ToolError.ts"
import { walk } from "./Walker.ts"

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
    try: () => picomatch(pattern, { dot: true, basename: !pattern.includes("/") }),
    catch: () => new ToolError({ message: `invalid glob: ${pattern}` })
  })

const maxWalkDepth = 64

export const findFiles = Effect.fn("Tools.findFiles")(function* (context: ToolContext, args: FindFilesArgs) {
  const { limits } = context
  const target = yield* PathGuard.resolve(context.root, args.path ?? ".", context.secrets)
  if (target.kind !== "dir") return yield* new ToolError({ message: `${target.rel}: is a file; give a directory as path` })
  const matches = yield* globMatcher(args.pattern)
  const found = yield* walk({ root: context.root, startAbs: target.abs, startRel: target.rel, maxDepth: maxWalkDepth, secrets: context.secrets }).pipe(
    Stream.filter((entry) => entry.kind === "file" && matches(entry.rel)),
    Stream.runFold({ paths: new Array<string>(), total: 0 }, (acc, entry) => {
      if (acc.paths.length < limits.findMaxResults) acc.paths.push(entry.rel)
      return { paths: acc.paths, total: acc.total + 1 }
    })
  )
  if (found.total === 0) return { output: `no files match ${args.pattern}`, truncated: false }
  const truncated = found.total > limits.findMaxResults
  const lines = [...found.paths]
  if (truncated) {
    lines.push(note(`truncated: ${count(found.paths.length)} of ${count(found.total)} files shown; use a narrower pattern or path`))
  }
  const result: ToolResult = { output: lines.join("\n"), truncated }
  return result
})
