import { Duration, Effect, Either, Schema } from "effect"
import { toStorable } from "../../domain/storableText.ts"
import { canonicalJson } from "../../infra/eventstore/canonicalJson.ts"
import type { Tools } from "../../infra/tools/Tools.ts"
import type { ToolOutcome } from "../../infra/tools/Tools.ts"

export interface PlannedCall {
  readonly id: string
  readonly name: string
  readonly args: string
}

const storableOutcome = (outcome: ToolOutcome): ToolOutcome => ({
  ...outcome,
  output: toStorable(outcome.output),
  error: outcome.error === null ? null : toStorable(outcome.error)
})

/** Runs the calls of one round concurrently (bounded), each under a time limit; never fails. */
export const runTools = (
  tools: typeof Tools.Service,
  root: string,
  calls: ReadonlyArray<PlannedCall>,
  options: { readonly concurrency: number; readonly timeout: Duration.Duration }
) =>
  Effect.forEach(
    calls,
    (call) =>
      tools.run(root, call.name, call.args).pipe(
        Effect.timeoutTo({
          duration: options.timeout,
          onTimeout: (): ToolOutcome => ({
            output: "",
            truncated: false,
            error: `${call.name} took longer than ${Duration.format(options.timeout)} and was stopped; narrow the request`
          }),
          onSuccess: (outcome) => outcome
        }),
        // Postgres cannot store a NUL or a lone surrogate: what the log keeps is what the model reads back.
        Effect.map((outcome) => ({ call, outcome: storableOutcome(outcome) }))
      ),
    { concurrency: options.concurrency }
  )

/** What the model reads back for one call. */
export const toolMessageContent = (outcome: ToolOutcome) =>
  outcome.error !== null ? `Error: ${outcome.error}` : outcome.output

const parseJson = Schema.decodeUnknownEither(Schema.parseJson())

const canonicalArgs = (args: string) =>
  Either.match(parseJson(args), { onLeft: () => args.trim(), onRight: (value) => canonicalJson(value) })

/** Counts identical calls (same tool, same arguments) across a turn. */
export const makeRepeatGuard = (limit: number) => {
  const counts = new Map<string, number>()
  return (call: PlannedCall): boolean => {
    const key = `${call.name}\u0000${canonicalArgs(call.args)}`
    const n = (counts.get(key) ?? 0) + 1
    counts.set(key, n)
    return n >= limit
  }
}

/** Tool call ids must be unique within a message; servers that synthesise `call_0` repeat them. */
export const makeIdAllocator = (taken: Iterable<string>) => {
  const used = new Set(taken)
  return (id: string) => {
    let candidate = id === "" ? "call" : id
    for (let n = 2; used.has(candidate); n++) candidate = `${id}_${n}`
    used.add(candidate)
    return candidate
  }
}
