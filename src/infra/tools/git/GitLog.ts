import { Effect, Schema } from "effect"
import { intArg } from "../ArgSchemas.ts"
import { count, note } from "../Format.ts"
import type { ToolContext, ToolResult } from "../ToolContext.ts"
import { type GitAccess, succeeded } from "./GitAccess.ts"
import { checkRev, peelRange, repoPath } from "./GitArgs.ts"
import { renderLines } from "./GitRender.ts"

export const GitLogArgs = Schema.Struct({
  path: Schema.optional(Schema.String.annotations({ description: "Only commits touching this file or folder, relative to the project root" })),
  rev: Schema.optional(Schema.String.annotations({ description: "Start from this revision or range, e.g. `main`, `v1.2`, `a1b2c3..HEAD` (default HEAD)" })),
  max_count: Schema.optional(intArg(1, 200).annotations({ description: "How many commits (default 20, at most 200)" }))
})
export type GitLogArgs = typeof GitLogArgs.Type

export const gitLogDescription =
  "Commit history, newest first: one line per commit with short hash, date, author and subject. " +
  "Narrow with path (a file or folder) and rev (a revision or range)."

const sep = "\u001f"

export const gitLog = (access: GitAccess) => Effect.fn("Tools.gitLog")(function* (context: ToolContext, args: GitLogArgs) {
  const repo = yield* access.repoOf(context)
  const rev = args.rev === undefined ? null : yield* checkRev("rev", args.rev)
  const target = args.path === undefined ? null : yield* repoPath(context.root, args.path, context.secrets)
  const maxCount = args.max_count ?? 20
  // Below the repository's top, the project folder bounds the history shown.
  const scope = target !== null ? [target.pathspec] : repo.prefix === "" ? [] : ["."]
  const output = yield* access.run(context, repo, [
    "log", "--no-color", "--no-mailmap", "--no-show-signature", "--date=short", "--abbrev=8",
    `--format=%h${sep}%ad${sep}%an${sep}%s`, `--max-count=${maxCount}`,
    "--end-of-options", ...(rev === null ? [] : [peelRange(rev)]), "--", ...scope
  ], context.limits.maxOutputBytes + 65_536).pipe(Effect.flatMap(succeeded))
  const lines = output.stdout.split("\n").filter((line) => line !== "").map((line) => line.split(sep).join("  "))
  if (lines.length === 0) {
    const none: ToolResult = { output: "(no commits)", truncated: false }
    return none
  }
  const more = lines.length === maxCount ? [note(`showing ${count(maxCount)} commits; there may be more: raise max_count (at most 200) or give an older rev`)] : []
  return renderLines(lines, {
    maxLines: maxCount,
    maxLineChars: context.limits.maxLineChars,
    cut: output.cut,
    more: "narrow with path or rev",
    extraNotes: more
  })
})
