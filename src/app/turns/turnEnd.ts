import { Cause, Duration, Effect, Option, Schedule } from "effect"
import { type MessageId, MessageNotOpen, type SessionCommandOf, type SessionId } from "../../domain/index.ts"
import type { SessionRepository } from "../../infra/repositories/SessionRepository.ts"
import { nowIso } from "../now.ts"
import type { DeltaBatcher } from "./DeltaBatcher.ts"
import { DatabaseUnreachable, StorageRefused, storageFailureOf, typedStorageFailures } from "./storageFailure.ts"
import { TurnFailure } from "./TurnFailure.ts"

/**
 * How a turn that was interrupted is recorded: a user's cancel, or the server stopping; a turn
 * another instance has closed (its lease expired while this one could not renew it) records nothing.
 */
export type StopReason = "cancel" | "shutdown" | "lost"

export const OUTAGE_REASON = "the database stopped answering while this answer was being written; the text saved so far is kept"
const SHUTDOWN_REASON = "the server stopped while this answer was being written"

/** A stopped turn records its end within this, or leaves it to the start-up recovery (SIGTERM must exit fast). */
const STOP_LIMIT = Duration.seconds(2)
/** While the database does not answer: waits growing from 100 ms, capped at 3 s, for at most 5 minutes. */
const outageRetries = Schedule.exponential("100 millis").pipe(
  Schedule.union(Schedule.spaced("3 seconds")),
  Schedule.upTo("5 minutes")
)

type Terminal = SessionCommandOf<"CancelMessage" | "InterruptMessage" | "FailMessage">

const describeFailure = (cause: Cause.Cause<unknown>) => {
  const failure = Cause.failureOption(cause)
  if (failure._tag === "Some") {
    const error = failure.value
    const tag = typeof error === "object" && error !== null && "_tag" in error ? String(error._tag) : "error"
    const message = typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error)
    const code = error instanceof TurnFailure ? error.code : tag
    return { code, message }
  }
  return { code: "internal", message: `internal error: ${Cause.pretty(cause).split("\n")[0]}` }
}

/** The storage problem that ended a turn: a typed one from the batcher or an append, or a SqlError defect. */
const storageProblem = (cause: Cause.Cause<unknown>) =>
  Option.orElse(
    Option.filter(
      Cause.failureOption(cause),
      (e): e is DatabaseUnreachable | StorageRefused => e instanceof DatabaseUnreachable || e instanceof StorageRefused
    ),
    () => storageFailureOf(cause)
  )

/**
 * Records how a turn ended, after storing the text it still holds. Text already persisted is never
 * thrown away: a refused flush leaves it as it is, and the end is appended anyway.
 */
export const makeTurnEnd = (
  sessions: typeof SessionRepository.Service,
  sessionId: SessionId,
  messageId: MessageId,
  batcher: Pick<DeltaBatcher, "flush">
) => {
  const record = (terminal: (at: string) => Terminal) =>
    Effect.gen(function* () {
      const flushed = yield* Effect.either(batcher.flush)
      if (flushed._tag === "Left") {
        if (flushed.left instanceof DatabaseUnreachable) return yield* flushed.left
        yield* Effect.logWarning(`turn ${messageId}: the text still buffered could not be saved: ${flushed.left.message}`)
      }
      const at = yield* nowIso
      yield* typedStorageFailures(sessions.execute(sessionId, () => terminal(at)))
    })

  const interrupt = (reason: string) => (at: string): Terminal => ({
    _tag: "InterruptMessage", session_id: sessionId, message_id: messageId, reason, at
  })

  /** Retries while the database does not answer; a stopping server interrupts this at once. */
  const recordThroughOutage = (terminal: (at: string) => Terminal) =>
    record(terminal).pipe(
      Effect.tapError((e) =>
        e instanceof DatabaseUnreachable
          ? Effect.logWarning(`turn ${messageId}: the database does not answer (${e.message}); will retry`)
          : Effect.void
      ),
      Effect.retry({ schedule: outageRetries, while: (e) => e instanceof DatabaseUnreachable }),
      Effect.catchAllCause((cause) =>
        Effect.logError(`could not record the end of turn ${messageId}; the start-up recovery will close it`, cause)
      ),
      Effect.onInterrupt(() =>
        Effect.logWarning(`turn ${messageId}: stopping while its end was not yet recorded; the start-up recovery will close it`)
      ),
      // The interrupted attempt may wait on a dead connection: do not make the shutdown wait for it.
      Effect.disconnect
    )

  /** A cancel or a shutdown: one bounded attempt (it runs while the process may be stopping). */
  const stopped = (reason: StopReason) =>
    reason === "lost" ? Effect.void : record(
      reason === "cancel"
        ? (at) => ({ _tag: "CancelMessage", session_id: sessionId, message_id: messageId, at })
        : interrupt(SHUTDOWN_REASON)
    ).pipe(
      Effect.interruptible,
      Effect.disconnect,
      Effect.timeoutFail({ duration: STOP_LIMIT, onTimeout: () => new DatabaseUnreachable({ message: `no answer within ${Duration.format(STOP_LIMIT)}` }) }),
      Effect.catchAllCause((cause) =>
        Effect.logError(`could not record the end of turn ${messageId}; the start-up recovery will close it`, cause)
      )
    )

  /**
   * A turn that failed: a database that stopped answering makes it interrupted, anything else
   * failed. One whose message the log no longer holds open was closed elsewhere (another instance
   * took over its expired lease while this one was paused): that end stands, nothing is written.
   */
  const failed = (cause: Cause.Cause<unknown>) => {
    const closedElsewhere = Cause.failureOption(cause).pipe(Option.filter((e) => e instanceof MessageNotOpen && e.message_id === messageId))
    if (Option.isSome(closedElsewhere))
      return Effect.logWarning(`turn ${messageId}: another instance closed it (its lease expired); stopping it here`)
    const storage = storageProblem(cause)
    if (Option.isSome(storage) && storage.value instanceof DatabaseUnreachable) {
      return Effect.logWarning(`turn ${messageId}: the database stopped answering (${storage.value.message})`).pipe(
        Effect.zipRight(recordThroughOutage(interrupt(OUTAGE_REASON)))
      )
    }
    const error = Option.isSome(storage)
      ? { code: "storage_failed", message: `could not save the answer: ${storage.value.message}; the text saved so far is kept` }
      : describeFailure(cause)
    return Effect.logWarning(`turn ${messageId} failed: ${error.code}: ${error.message}`).pipe(
      Effect.zipRight(
        recordThroughOutage((at) => ({ _tag: "FailMessage", session_id: sessionId, message_id: messageId, error, at }))
      )
    )
  }

  return { stopped, failed }
}
