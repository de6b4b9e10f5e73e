import { Effect, Schema } from "effect"
import { intArg } from "./ArgSchemas.ts"
import { globMatcher } from "./FindFiles.ts"
import { makeOrderedCollector } from "./GrepCollector.ts"
import { grepJs } from "./GrepJs.ts"
import { compilePattern, type GrepQuery } from "./GrepQuery.ts"
import { grepRg } from "./GrepRg.ts"
import * as PathGuard from "./PathGuard.ts"
import { compareWalkOrder } from "./Walker.ts"
import type { ToolContext, ToolResult } from "./ToolContext.ts"

export const GrepArgs = Schema.Struct({
  pattern: Schema.String.pipe(Schema.minLength(1)).annotations({ description: "Regular expression searched line by line" }),
  path: Schema.optional(Schema.String.annotations({ description: "File or directory to search, relative to the project root (default: the root)" })),
  glob: Schema.optional(Schema.String.annotations({ description: "Only search files whose root-relative path matches this glob, e.g. `*.ts` or `src/**/*.py`" })),
  case_insensitive: Schema.optional(Schema.Boolean.annotations({ description: "Ignore case (default false)" })),
  context: Schema.optional(
    intArg(0, 10).annotations({ description: "Lines of context before and after each match (default 0, maximum 10)" })
  )
})
export type GrepArgs = typeof GrepArgs.Type

export const grepDescription =
  "Search file contents with a regular expression. Prints `path:line: text` for matches and `path-line- text` for " +
  "context lines. Gitignored files, binaries, .git and secrets are skipped."

export const grep = Effect.fn("Tools.grep")(function* (context: ToolContext, args: GrepArgs) {
  const { limits } = context
  const target = yield* PathGuard.resolve(context.root, args.path ?? ".", context.secrets)
  const caseInsensitive = args.case_insensitive ?? false
  const compiled = yield* compilePattern(args.pattern, caseInsensitive)
  const glob = args.glob ?? null
  const matchesGlob = glob === null ? () => true : yield* globMatcher(glob)
  const contextLines = Math.min(args.context ?? 0, limits.grepMaxContext)
  const query: GrepQuery = { pattern: args.pattern, caseInsensitive, context: contextLines, glob, matchesGlob, target, lineChars: limits.grepLineChars, ...compiled }
  // both engines search in parallel; the collector restores the walk's order
  const collector = makeOrderedCollector(limits.grepMaxMatches, limits.grepLineChars, contextLines > 0, compareWalkOrder)
  if (context.rg !== null) yield* grepRg(context.rg, context, query, collector)
  else yield* grepJs(context, query, collector)
  const result: ToolResult = collector.render({ maxFileBytes: limits.grepMaxFileBytes })
  return result
})
