import { Effect } from "effect"
import { makeTools } from "../../../src/infra/tools/Tools.ts"
import { defaultLimits, type ToolLimits } from "../../../src/infra/tools/ToolLimits.ts"

/** Tools forced onto the JavaScript grep engine, with optional limit overrides. */
export const jsTools = (overrides: Partial<ToolLimits> = {}) =>
  makeTools({ ...defaultLimits, grepEngine: "js", ...overrides }, "")

export const call = (root: string, name: string, args: object, overrides: Partial<ToolLimits> = {}) =>
  Effect.flatMap(jsTools(overrides), (tools) => tools.run(root, name, JSON.stringify(args)))
