import { Effect, Schema } from "effect"
import { intArg } from "../ArgSchemas.ts"
import { count } from "../Format.ts"
import * as PathGuard from "../PathGuard.ts"
import type { ToolContext, ToolResult } from "../ToolContext.ts"
import { ToolError } from "../ToolError.ts"
import { type GitAccess, succeeded } from "./GitAccess.ts"
import { checkRev, peel, repoPath } from "./GitArgs.ts"
import { parseBlame, type BlameLine } from "./BlamePorcelain.ts"
import { renderLines } from "./GitRender.ts"

export const GitBlameArgs = Schema.Struct({
  path: Schema.String.annotations({ description: "File to blame, relative to the project root" }),
  rev: Schema.optional(Schema.String.annotations({ description: "Blame the file as it was at this commit (default: the working tree)" })),
  start_line: Schema.optional(intArg(1).annotations({ description: "First line (1-based, default 1)" })),
  end_line: Schema.optional(intArg(1).annotations({ description: "Last line (default: start_line + 1999)" }))
})
export type GitBlameArgs = typeof GitBlameArgs.Type

export const gitBlameDescription =
  "Who last changed each line of a file: per line the short hash, author, date, line number and text. " +
  "Use start_line and end_line for long files."

const notCommitted = /^0+$/

const render = (line: BlameLine) =>
  `${notCommitted.test(line.hash) ? "uncommitted" : line.hash.slice(0, 8).padEnd(11)} ${line.date || "----------"} ${line.author.slice(0, 24).padEnd(24)} ${String(line.line).padStart(6)}\t${line.text}`

export const gitBlame = (access: GitAccess) => Effect.fn("Tools.gitBlame")(function* (context: ToolContext, args: GitBlameArgs) {
  const repo = yield* access.repoOf(context)
  const rev = args.rev === undefined ? null : yield* checkRev("rev", args.rev)
  // Without a rev git reads the file on disk: the full path guard applies (symlinks, special files).
  const rel = rev === null
    ? (yield* PathGuard.resolve(context.root, args.path, context.secrets)).rel
    : (yield* repoPath(context.root, args.path, context.secrets)).rel
  if (rel === "") return yield* new ToolError({ message: "path names the project folder; git_blame needs a file" })
  const { limits } = context
  const start = args.start_line ?? 1
  if (args.end_line !== undefined && args.end_line < start) return yield* new ToolError({ message: `end_line ${args.end_line} is before start_line ${start}` })
  const wanted = Math.min(args.end_line === undefined ? limits.viewMaxLines : args.end_line - start + 1, limits.viewMaxLines)
  // One line past the window tells whether the file goes on.
  const output = yield* access.run(context, repo, [
    "blame", "--porcelain", "--no-textconv", "-L", `${start},+${wanted + 1}`,
    ...(rev === null ? [] : [peel(rev)]), "--", rel
  ], 64 * 1024 * 1024).pipe(Effect.flatMap(succeeded))
  const lines = parseBlame(output.stdout)
  if (lines.slice(0, 64).some((line) => line.text.includes("\0"))) {
    const binary: ToolResult = { output: "binary file; git_blame shows text files only", truncated: false }
    return binary
  }
  const shown = lines.slice(0, wanted)
  const last = shown.length === 0 ? start : shown[shown.length - 1].line
  const goesOn = lines.length > wanted && (args.end_line === undefined || args.end_line > last)
  const result = renderLines(shown.map(render), {
    maxLines: wanted,
    maxLineChars: limits.maxLineChars + 60,
    cut: output.cut,
    more: `continue with start_line=${last + 1}`,
    extraNotes: goesOn ? [`[truncated: showing lines ${count(start)}-${count(last)}; continue with start_line=${last + 1}]`] : []
  })
  return goesOn ? { ...result, truncated: true } : result
})
