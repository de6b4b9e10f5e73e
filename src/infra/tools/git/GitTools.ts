import type { Schema } from "effect"
import type { ToolRun } from "../ToolContext.ts"
import type { GitAccess } from "./GitAccess.ts"
import { GitBlameArgs, gitBlame, gitBlameDescription } from "./GitBlame.ts"
import { GitDiffArgs, gitDiff, gitDiffDescription } from "./GitDiff.ts"
import { GitLogArgs, gitLog, gitLogDescription } from "./GitLog.ts"
import { GitShowArgs, gitShow, gitShowDescription } from "./GitShow.ts"

/** The registry's way of defining a tool (Tools.ts passes its defineTool). */
export type DefineTool<T> = <A, I>(name: string, description: string, schema: Schema.Schema<A, I>, run: ToolRun<A>) => T

/** The four read-only git tools, offered when the project folder is inside a git work tree. */
export const gitTools = <T>(access: GitAccess, define: DefineTool<T>): ReadonlyArray<T> => [
  define("git_log", gitLogDescription, GitLogArgs, gitLog(access)),
  define("git_show", gitShowDescription, GitShowArgs, gitShow(access)),
  define("git_diff", gitDiffDescription, GitDiffArgs, gitDiff(access)),
  define("git_blame", gitBlameDescription, GitBlameArgs, gitBlame(access))
]
