import { Cause, Console, Effect, Option } from "effect"
import { PortInUse } from "./http/checkPortFree.ts"
import { InsecureBind } from "./http/security/Security.ts"

/**
 * A backstop, not the way out: every finalizer that could wait on the database is bounded, but
 * whatever happens the process is gone within 5 s of SIGTERM/SIGINT. Call once, at the edge.
 */
export const SHUTDOWN_DEADLINE_MS = 4_500

export const exitWithinDeadlineOnSignal = () => {
  const arm = () => {
    setTimeout(() => {
      process.stderr.write(`BooCode: shutdown took over ${SHUTDOWN_DEADLINE_MS} ms; exiting anyway\n`)
      process.exit(1)
    }, SHUTDOWN_DEADLINE_MS).unref()
  }
  process.once("SIGTERM", arm)
  process.once("SIGINT", arm)
}

/** A refusal to start (taken port, unsafe bind) says what to do in one line; anything else is logged whole. */
export const reportFailure = (cause: Cause.Cause<unknown>) => {
  if (Cause.isInterruptedOnly(cause)) return Effect.void
  const refusal = Option.filter(
    Cause.failureOption(cause),
    (e): e is PortInUse | InsecureBind => e instanceof PortInUse || e instanceof InsecureBind
  )
  return Option.match(refusal, { onNone: () => Effect.logError(cause), onSome: (e) => Console.error(e.message) })
}
