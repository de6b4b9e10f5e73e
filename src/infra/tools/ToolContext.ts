import type { Effect } from "effect"
import type { SecretMatcher } from "./Secrets.ts"
import type { ToolFailure } from "./ToolError.ts"
import type { ToolLimits } from "./ToolLimits.ts"

/** What one tool call gets: the real project root, its secret rules and the limits. */
export interface ToolContext {
  readonly root: string
  readonly secrets: SecretMatcher
  readonly limits: ToolLimits
  /** absolute path of `rg` when the grep should use it, else null */
  readonly rg: string | null
}

export interface ToolResult {
  readonly output: string
  readonly truncated: boolean
}

export type ToolRun<A> = (context: ToolContext, args: A) => Effect.Effect<ToolResult, ToolFailure>
