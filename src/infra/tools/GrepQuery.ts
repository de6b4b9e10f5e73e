import { Effect } from "effect"
import type { Target } from "./PathGuard.ts"
import { ToolError } from "./ToolError.ts"

/** A validated grep request shared by the ripgrep and JavaScript engines. */
export interface GrepQuery {
  readonly pattern: string
  readonly caseInsensitive: boolean
  readonly context: number
  readonly glob: string | null
  readonly matchesGlob: (rel: string) => boolean
  readonly target: Target
  /** result lines are kept to this many chars (+1 so the cut shows) */
  readonly lineChars: number
  /** tests one line (without its "\n") */
  readonly line: RegExp
  /** tests a whole file; null when the pattern could span lines or look around */
  readonly wholeFile: RegExp | null
}

const compile = (source: string, flags: string): RegExp | null => {
  try {
    return new RegExp(source, flags)
  } catch {
    return null
  }
}

/** Compiles the pattern as JavaScript sees it: Unicode mode when it parses, plain otherwise. */
export const compilePattern = (pattern: string, caseInsensitive: boolean) =>
  Effect.suspend(() => {
    const base = caseInsensitive ? "i" : ""
    const unicode = compile(pattern, `${base}u`)
    const line = unicode ?? compile(pattern, base)
    if (line === null) return Effect.fail(new ToolError({ message: `invalid regular expression: ${pattern}` }))
    const flags = `${line.flags}m`
    const wholeFile = pattern.includes("(?") || pattern.includes("\\n") ? null : compile(pattern, flags)
    return Effect.succeed({ line, wholeFile })
  })
