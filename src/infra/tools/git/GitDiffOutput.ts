import { Effect } from "effect"
import { count, note } from "../Format.ts"
import type { ToolContext, ToolResult } from "../ToolContext.ts"
import type { RepoInfo } from "./GitRepo.ts"
import { type GitAccess, succeeded } from "./GitAccess.ts"
import { secretExcludes } from "./GitArgs.ts"
import { dropHiddenSections } from "./DiffSections.ts"
import { renderLines } from "./GitRender.ts"

/** Options every diff-producing call gets: no external diff or textconv, no renames, fixed prefixes, paths relative to the project root. */
export const diffFlags: ReadonlyArray<string> = [
  "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames", "--relative", "--src-prefix=a/", "--dst-prefix=b/",
  // a submodule's work tree would be inspected by a child git reading the submodule's own config
  "--ignore-submodules=all"
]

/** The pathspecs after `--`: the asked-for path (or the project folder) minus the secret files. */
export const diffScope = (pathspec: string | null): ReadonlyArray<string> => [pathspec ?? ".", ...secretExcludes]

/** Runs a diff-producing git command and drops the sections of files the secret rules hide. */
export const runDiff = (access: GitAccess, context: ToolContext, repo: RepoInfo, args: ReadonlyArray<string>, empty: string) =>
  Effect.gen(function* () {
    const output = yield* access.run(context, repo, args, 2 * context.limits.maxOutputBytes).pipe(Effect.flatMap(succeeded))
    const filtered = dropHiddenSections(output.stdout, context.secrets)
    const hiddenNote = filtered.hidden > 0 ? [note(`${count(filtered.hidden)} file(s) left out: hidden by the project's secret rules`)] : []
    if (filtered.lines.length === 0) {
      const none: ToolResult = { output: [empty, ...hiddenNote].join("\n"), truncated: false }
      return none
    }
    return renderLines(filtered.lines, {
      maxLines: context.limits.viewMaxLines,
      maxLineChars: context.limits.maxLineChars,
      cut: output.cut,
      more: "narrow with path",
      extraNotes: hiddenNote
    })
  })
