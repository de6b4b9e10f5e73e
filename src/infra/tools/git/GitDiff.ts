import { Effect, Schema } from "effect"
import type { ToolContext } from "../ToolContext.ts"
import type { GitAccess } from "./GitAccess.ts"
import { checkRev, peel, repoPath } from "./GitArgs.ts"
import { diffFlags, diffScope, runDiff } from "./GitDiffOutput.ts"

export const GitDiffArgs = Schema.Struct({
  from: Schema.optional(Schema.String.annotations({ description: "Old side: a commit (default HEAD)" })),
  to: Schema.optional(Schema.String.annotations({ description: "New side: a commit (default: the working tree as it is now)" })),
  path: Schema.optional(Schema.String.annotations({ description: "Only this file or folder, relative to the project root" }))
})
export type GitDiffArgs = typeof GitDiffArgs.Type

export const gitDiffDescription =
  "A unified diff between two commits, or by default between HEAD and the working tree (uncommitted changes to " +
  "tracked files; untracked files are not shown). Narrow with path."

export const gitDiff = (access: GitAccess) => Effect.fn("Tools.gitDiff")(function* (context: ToolContext, args: GitDiffArgs) {
  const repo = yield* access.repoOf(context)
  const from = yield* checkRev("from", args.from ?? "HEAD")
  const to = args.to === undefined ? null : yield* checkRev("to", args.to)
  const target = args.path === undefined ? null : yield* repoPath(context.root, args.path, context.secrets)
  return yield* runDiff(access, context, repo, [
    "diff", ...diffFlags, "--end-of-options", peel(from), ...(to === null ? [] : [peel(to)]), "--", ...diffScope(target?.pathspec ?? null)
  ], "(no differences)")
})
