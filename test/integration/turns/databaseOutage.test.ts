import { expect, layer } from "@effect/vitest"
import { Effect, Option } from "effect"
import { SessionService } from "../../../src/app/sessions/SessionService.ts"
import { TurnRunner } from "../../../src/app/turns/TurnRunner.ts"
import { OUTAGE_REASON } from "../../../src/app/turns/turnEnd.ts"
import { type LiveDelta, LiveHub } from "../../../src/infra/live/LiveHub.ts"
import { engineLayer, loggedText, newSession, waitForEnd } from "../../support/engine.ts"
import { FakeLlmServer, slowReply, textReply } from "../../support/fakeLlm/index.ts"
import { TestDatabaseUrl } from "../../support/testDatabase.ts"
import { childMidTurn, engineOn, exitOf, expectClosedByRecovery } from "./child.ts"
import { eventually, slowReplyText } from "./helpers.ts"
import { allowConnections, cutUntil } from "./outage.ts"

/** The database stops answering mid-turn (connections refused and terminated), then comes back. */
layer(engineLayer(), { timeout: 120_000, excludeTestServices: true })("turns: the database stops answering", (it) => {
  it.scoped("the turn stops its upstream, keeps its text, and ends interrupted with all of it once the database is back", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const sessions = yield* SessionService
      const turns = yield* TurnRunner
      const hub = yield* LiveHub
      const url = yield* TestDatabaseUrl
      const { sessionId } = yield* newSession
      const deltas: Array<LiveDelta> = []
      yield* hub.listen(sessionId, (d) => void deltas.push(d))
      fake.enqueue(slowReply(400, 25))
      const closed = fake.closedEarly
      const posted = yield* sessions.postMessage(sessionId, "Tell me a long story")
      const messageId = posted.assistant_message_id
      const persisted = yield* eventually(
        Effect.map(loggedText(sessionId, messageId), (text) => (text.length >= 20 ? Option.some(text) : Option.none())),
        "text in the log"
      )

      yield* cutUntil(url, () => fake.waitClosedEarly(closed + 1, 200))
      // the upstream is closed: what the live readers got is all the turn will ever have
      const inFlight = yield* hub.inFlight(sessionId)
      const liveAtOutage = Option.getOrThrow(inFlight).text
      expect(liveAtOutage.startsWith(persisted)).toBe(true)
      // still holding its text and retrying, not given up
      expect(yield* turns.isRunning(sessionId)).toBe(true)
      yield* Effect.sleep("1 second")
      yield* allowConnections(url)

      const message = yield* waitForEnd(sessionId, messageId, "30 seconds")
      expect(message.status).toBe("interrupted")
      expect(message.error).toEqual({ code: "interrupted", message: OUTAGE_REASON })
      const logged = yield* loggedText(sessionId, messageId)
      expect(message.content).toBe(logged)
      expect(logged).toBe(liveAtOutage)
        expect([...deltas].filter((d) => d.message_id === messageId && d.kind === "text").map((d) => d.text).join("")).toBe(logged)
      const full = slowReplyText(400)
      expect(full.startsWith(logged)).toBe(true)
      expect(logged.length).toBeLessThan(full.length)

      // nothing in this process still holds the session: a new question gets answered
      fake.enqueue(textReply("Back again."))
      const next = yield* sessions.postMessage(sessionId, "Are you there?")
      const answer = yield* waitForEnd(sessionId, next.assistant_message_id)
      expect(answer.status).toBe("complete")
      expect(answer.content).toBe("Back again.")
    })
  )

  it.scoped("SIGTERM while the turn waits for the database exits within 5 s; the next start closes the turn with its text", () =>
    Effect.gen(function* () {
      const { fake, url, child, ids, persisted } = yield* childMidTurn
      const closed = fake.closedEarly
      yield* cutUntil(url, () => fake.waitClosedEarly(closed + 1, 200))
      yield* eventually(
        Effect.sync(() => (child.output().includes("will retry") ? Option.some(true) : Option.none())),
        "the child to retry"
      )
      const signalled = Date.now()
      child.child.kill("SIGTERM")
      const exit = yield* exitOf(child)
      const took = Date.now() - signalled
      expect(exit, child.output()).toEqual({ code: 0, signal: null })
      expect(took, child.output()).toBeLessThan(5000)
      yield* allowConnections(url)

      yield* expectClosedByRecovery(ids, persisted, slowReplyText(300)).pipe(Effect.provide(engineOn(url, fake.url)))
    })
  )
})
