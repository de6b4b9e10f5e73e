import { Effect, Option } from "effect"
import type { ToolContext } from "../ToolContext.ts"
import { ToolError } from "../ToolError.ts"
import { gitComplaint, type GitOutput, runGit } from "./GitCommand.ts"
import { makeRepoLookup, type RepoInfo } from "./GitRepo.ts"

/** The git binary and the per-project repository lookup, shared by the four git tools. */
export const makeGitAccess = (git: string, pathEnv: string) => {
  const { lookup, env } = makeRepoLookup(git, pathEnv)

  /** The repository of the project, or a failure the model reads. */
  const repoOf = (context: ToolContext) =>
    Effect.flatMap(lookup(context.root), Option.match({
      onNone: () => Effect.fail(new ToolError({ message: "the project folder is not inside a git work tree; the git tools do not apply" })),
      onSome: Effect.succeed
    }))

  /** Runs a git subcommand at the project root with the repository's config keys neutralised. */
  const run = (context: ToolContext, repo: RepoInfo, args: ReadonlyArray<string>, maxBytes: number) =>
    runGit({ git, env, cwd: context.root, args: [...repo.overrides, ...args], maxBytes })

  return { lookup, repoOf, run }
}

export type GitAccess = ReturnType<typeof makeGitAccess>

/** git's failure as a ToolError, or the output when git succeeded (or was stopped at the byte cap). */
export const succeeded = (output: GitOutput): Effect.Effect<GitOutput, ToolError> =>
  output.code === 0 || output.cut ? Effect.succeed(output) : Effect.fail(new ToolError({ message: `git: ${gitComplaint(output)}` }))
