import { Effect, Either } from "effect"
import type { MessageId, SessionId } from "../../domain/index.ts"
import type { SessionRepository } from "../../infra/repositories/SessionRepository.ts"
import { nowIso } from "../now.ts"
import { typedStorageFailures } from "./storageFailure.ts"

type Kind = "text" | "reasoning"

interface Pending {
  persisted: number
  buffer: string
}

/**
 * Holds streamed text until it is worth an event: a TextDelta/ReasoningDelta batch carries the
 * offset it starts at, so a retried flush can be recognised as already persisted. A flush that
 * fails keeps its text buffered, so a later flush can still store it.
 */
export const makeDeltaBatcher = (
  sessions: typeof SessionRepository.Service,
  sessionId: SessionId,
  messageId: MessageId,
  flushChars: number,
  /** Where the message's text and reasoning stand already (a continued answer goes on from there). */
  start: { readonly text: number; readonly reasoning: number } = { text: 0, reasoning: 0 }
) =>
  Effect.gen(function* () {
    const pending: Record<Kind, Pending> = {
      text: { persisted: start.text, buffer: "" },
      reasoning: { persisted: start.reasoning, buffer: "" }
    }
    const lock = yield* Effect.makeSemaphore(1)

    /** Stores the buffered text as one batch; returns the offset the log now reaches. */
    const store = (kind: Kind, offset: number, text: string) =>
      Effect.gen(function* () {
        const at = yield* nowIso
        const _tag = kind === "text" ? ("AppendText" as const) : ("AppendReasoning" as const)
        yield* typedStorageFailures(
          sessions.execute(sessionId, () => ({ _tag, session_id: sessionId, message_id: messageId, offset, text, at }))
        )
        return offset + text.length
      }).pipe(
        // A batch whose earlier attempt committed (its answer lost with the connection) comes back as
        // an offset mismatch: the log already holds that text, or the first part of it.
        Effect.catchTag("DeltaOffsetMismatch", (e) =>
          e.expected > offset && e.expected <= offset + text.length ? Effect.succeed(e.expected) : Effect.fail(e)
        )
      )

    const flushKind = (kind: Kind) =>
      Effect.gen(function* () {
        const p = pending[kind]
        // What was buffered when the flush began; text arriving meanwhile waits for the next flush.
        const target = p.persisted + p.buffer.length
        while (p.persisted < target) {
          const reached = yield* store(kind, p.persisted, p.buffer.slice(0, target - p.persisted))
          p.buffer = p.buffer.slice(reached - p.persisted)
          p.persisted = reached
        }
      })

    /** Both kinds are tried even when one fails; the first failure is reported. */
    const flush = lock.withPermits(1)(
      Effect.gen(function* () {
        const reasoning = yield* Effect.either(flushKind("reasoning"))
        const text = yield* Effect.either(flushKind("text"))
        if (Either.isLeft(reasoning)) return yield* Effect.fail(reasoning.left)
        if (Either.isLeft(text)) return yield* Effect.fail(text.left)
      })
    )

    /** Buffers `text` and hands its offset to `publish` in one uninterruptible step. */
    const buffer = (kind: Kind, text: string, publish: (offset: number) => Effect.Effect<void>) =>
      Effect.suspend(() => {
        const offset = pending[kind].persisted + pending[kind].buffer.length
        pending[kind].buffer += text
        return publish(offset)
      }).pipe(Effect.uninterruptible)

    /** Buffers and publishes, then flushes once enough text waits. */
    const add = (kind: Kind, text: string, publish: (offset: number) => Effect.Effect<void>) =>
      buffer(kind, text, publish).pipe(
        Effect.zipRight(Effect.suspend(() => (pending[kind].buffer.length >= flushChars ? flush : Effect.void)))
      )

    return { add, buffer, flush }
  })

export type DeltaBatcher = Effect.Effect.Success<ReturnType<typeof makeDeltaBatcher>>
