import { findVerb, type Verb, verbNames } from "./verbs.ts"

/** What the arguments ask for before @effect/cli parses them: help, an unknown verb, or a run. */
export type Route =
  | { readonly _tag: "MainHelp" }
  | { readonly _tag: "VerbHelp"; readonly verb: Verb }
  | { readonly _tag: "Unknown"; readonly word: string }
  | { readonly _tag: "Run" }

const isHelp = (arg: string) => arg === "--help" || arg === "-h"

/** `args` without the runtime and script. `--log-level X` may come before the verb. */
export const route = (args: ReadonlyArray<string>): Route => {
  const positional = args.filter((arg, i) => !arg.startsWith("-") && args[i - 1] !== "--log-level")
  const word = positional[0]
  if (word === "help") {
    const verb = positional[1] === undefined ? undefined : findVerb(positional[1])
    return verb === undefined ? { _tag: "MainHelp" } : { _tag: "VerbHelp", verb }
  }
  if (word === undefined) return args.includes("--version") && !args.some(isHelp) ? { _tag: "Run" } : { _tag: "MainHelp" }
  const verb = findVerb(word)
  if (verb === undefined) return { _tag: "Unknown", word }
  return args.some(isHelp) ? { _tag: "VerbHelp", verb } : { _tag: "Run" }
}

export const unknownVerbLine = (word: string) =>
  `boocode: unknown command '${word}' (commands: ${verbNames.join(", ")}; see boocode --help)`
