import { Duration, Effect, Option, Schedule } from "effect"
import { SessionService } from "../../../src/app/sessions/SessionService.ts"
import type { SessionId } from "../../../src/domain/index.ts"
import { LiveHub } from "../../../src/infra/live/LiveHub.ts"
import { loggedText, newSession, waitForEnd } from "../../support/engine.ts"

/** A new session, one posted message, and the assistant message once it has ended. */
export const askAndWait = (content: string) =>
  Effect.gen(function* () {
    const sessions = yield* SessionService
    const { sessionId, root } = yield* newSession
    const posted = yield* sessions.postMessage(sessionId, content)
    const message = yield* waitForEnd(sessionId, posted.assistant_message_id)
    const logged = yield* loggedText(sessionId, posted.assistant_message_id)
    return { sessionId, root, messageId: posted.assistant_message_id, message, logged }
  })

/** Retries `check` every 20 ms until it returns a value, failing after `timeout`. */
export const eventually = <A, E, R>(
  check: Effect.Effect<Option.Option<A>, E, R>,
  what: string,
  timeout: Duration.DurationInput = "10 seconds"
) =>
  check.pipe(
    Effect.flatMap(Option.match({ onNone: () => Effect.fail("not yet" as const), onSome: Effect.succeed })),
    Effect.retry({ schedule: Schedule.spaced("20 millis"), while: (e) => e === "not yet" }),
    Effect.timeoutFail({ duration: timeout, onTimeout: () => new Error(`timed out waiting for ${what}`) })
  )

/** The text streamed so far for the session's message in flight (live, before it is persisted). */
export const waitForLiveText = (sessionId: SessionId, minChars = 1) =>
  eventually(
    Effect.gen(function* () {
      const hub = yield* LiveHub
      const inFlight = yield* hub.inFlight(sessionId)
      return Option.filter(Option.map(inFlight, (f) => f.text), (text) => text.length >= minChars)
    }),
    "streamed text"
  )

/** The text the fake's slowReply(pieces, ...) streams in full. */
export const slowReplyText = (pieces: number) => Array.from({ length: pieces }, (_, i) => `piece ${i} `).join("")
