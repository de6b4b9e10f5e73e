import { Effect } from "effect"
import type { SessionRepository } from "../../infra/repositories/SessionRepository.ts"
import { nowIso } from "../now.ts"
import type { OpenTurn } from "./leases/leaseTick.ts"

export const STOPPED_REASON = "the server stopped before this answer was finished"
export const EXPIRED_REASON = "the instance running this answer stopped responding; the text saved so far is kept"

/** Closes turns whose owner is gone as interrupted; one that has ended meanwhile is left as it is. */
export const closeOpenTurns = (sessions: typeof SessionRepository.Service, turns: ReadonlyArray<OpenTurn>, reason: string) =>
  Effect.forEach(turns, (turn) =>
    Effect.gen(function* () {
      const at = yield* nowIso
      yield* sessions.execute(turn.session_id, () => ({
        _tag: "InterruptMessage", session_id: turn.session_id, message_id: turn.message_id, reason, at
      }))
    }).pipe(Effect.catchAll((e) => Effect.logWarning(`could not close turn ${turn.message_id}: ${e.message}`))),
  { discard: true }).pipe(
    Effect.tap(() => turns.length > 0 ? Effect.logInfo(`closed ${turns.length} turn(s) whose owner is gone: ${reason}`) : Effect.void),
    Effect.withSpan("TurnRunner.closeOpenTurns")
  )
