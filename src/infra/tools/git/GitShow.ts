import { Effect, Schema } from "effect"
import { count } from "../Format.ts"
import type { ToolContext, ToolResult } from "../ToolContext.ts"
import { ToolError } from "../ToolError.ts"
import { type GitAccess, succeeded } from "./GitAccess.ts"
import { checkRev, peel, repoPath } from "./GitArgs.ts"
import { diffFlags, diffScope, runDiff } from "./GitDiffOutput.ts"
import { renderLines } from "./GitRender.ts"

export const GitShowArgs = Schema.Struct({
  rev: Schema.String.annotations({ description: "A commit: hash, branch, tag, or an expression like `HEAD~3`" }),
  path: Schema.optional(Schema.String.annotations({ description: "Show this file as it was at rev (relative to the project root) instead of the commit" }))
})
export type GitShowArgs = typeof GitShowArgs.Type

export const gitShowDescription =
  "Show a commit (author, date, message and its diff), or with path the file as it was at that commit, " +
  "with numbered lines (`N<TAB>text`) like view_file."

const numbered = (n: number, text: string) => `${String(n).padStart(6)}\t${text}`

const commitFormat = "--format=commit %H%nAuthor: %an <%ae>%nDate:   %ad%n%n%w(0,4,4)%B"

export const gitShow = (access: GitAccess) => Effect.fn("Tools.gitShow")(function* (context: ToolContext, args: GitShowArgs) {
  const repo = yield* access.repoOf(context)
  const rev = yield* checkRev("rev", args.rev)
  if (args.path === undefined) {
    return yield* runDiff(access, context, repo, [
      "show", ...diffFlags, "--no-mailmap", "--no-show-signature", "--diff-merges=first-parent", "--date=iso",
      commitFormat, "--end-of-options", peel(rev), "--", ...diffScope(null)
    ], "(the commit changes nothing in the project folder that can be shown)")
  }
  const target = yield* repoPath(context.root, args.path, context.secrets)
  if (target.rel === "") return yield* new ToolError({ message: "path names the project folder; give a file, or omit path to see the commit" })
  const { limits } = context
  const output = yield* access.run(context, repo, ["cat-file", "blob", `${peel(rev)}:${repo.prefix}${target.rel}`], limits.maxOutputBytes + 65_536).pipe(
    Effect.flatMap(succeeded)
  )
  if (output.stdout.slice(0, 8192).includes("\0")) {
    const binary: ToolResult = { output: `binary file at ${rev}${output.cut ? "" : `, ${count(output.bytes)} bytes`}`, truncated: false }
    return binary
  }
  if (output.stdout === "") return { output: "(empty file)", truncated: false }
  const lines = output.stdout.replace(/\n$/, "").split("\n").map((text, i) => numbered(i + 1, text))
  return renderLines(lines, {
    maxLines: limits.viewMaxLines,
    maxLineChars: limits.maxLineChars + 7,
    cut: output.cut,
    more: "view_file or grep the current file, or git_blame a line range"
  })
})
