import { Effect } from "effect"
import type { MessageId, SessionId } from "../../domain/index.ts"
import type { SessionRepository } from "../../infra/repositories/SessionRepository.ts"
import { nowIso } from "../now.ts"

type Kind = "text" | "reasoning"

interface Pending {
  persisted: number
  buffer: string
}

/**
 * Holds streamed text until it is worth an event: a TextDelta/ReasoningDelta batch carries the
 * offset it starts at, so a retried flush can be recognised as already persisted.
 */
export const makeDeltaBatcher = (
  sessions: typeof SessionRepository.Service,
  sessionId: SessionId,
  messageId: MessageId,
  flushChars: number
) =>
  Effect.gen(function* () {
    const pending: Record<Kind, Pending> = {
      text: { persisted: 0, buffer: "" },
      reasoning: { persisted: 0, buffer: "" }
    }
    const lock = yield* Effect.makeSemaphore(1)

    const flushKind = (kind: Kind) =>
      Effect.gen(function* () {
        const p = pending[kind]
        if (p.buffer === "") return
        const text = p.buffer
        const offset = p.persisted
        const at = yield* nowIso
        const _tag = kind === "text" ? ("AppendText" as const) : ("AppendReasoning" as const)
        yield* sessions
          .execute(sessionId, () => ({ _tag, session_id: sessionId, message_id: messageId, offset, text, at }))
          .pipe(
            // A flush whose first attempt did commit comes back as an offset mismatch: the log
            // already holds this batch, so it counts as done.
            Effect.catchTag("DeltaOffsetMismatch", (e) =>
              e.expected >= offset + text.length ? Effect.void : Effect.fail(e)
            )
          )
        p.persisted += text.length
        p.buffer = p.buffer.slice(text.length)
      })

    const flush = lock.withPermits(1)(Effect.zipRight(flushKind("reasoning"), flushKind("text")))

    /** Buffers `text` and hands its offset to `publish` in one uninterruptible step. */
    const add = (kind: Kind, text: string, publish: (offset: number) => Effect.Effect<void>) =>
      Effect.suspend(() => {
        const offset = pending[kind].persisted + pending[kind].buffer.length
        pending[kind].buffer += text
        return publish(offset)
      }).pipe(
        Effect.uninterruptible,
        Effect.zipRight(Effect.suspend(() => (pending[kind].buffer.length >= flushChars ? flush : Effect.void)))
      )

    return { add, flush }
  })

export type DeltaBatcher = Effect.Effect.Success<ReturnType<typeof makeDeltaBatcher>>
