import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import { makeDeltaBatcher } from "../../../src/app/turns/DeltaBatcher.ts"
import { MessageId, streamIdOfSession, type SessionId } from "../../../src/domain/index.ts"
import { EventStore } from "../../../src/infra/eventstore/EventStore.ts"
import { SessionRepository } from "../../../src/infra/repositories/SessionRepository.ts"
import { engineLayer, newSession } from "../../support/engine.ts"

const at = "2025-06-01T12:00:00.000Z"

/** A session with an assistant message open, started straight through the repository (no turn runs it). */
const openMessage = Effect.gen(function* () {
  const sessions = yield* SessionRepository
  const { sessionId } = yield* newSession
  const assistant = MessageId.make(randomUUID())
  yield* sessions.execute(sessionId, () => ({
    _tag: "PostUserMessage", session_id: sessionId, message_id: MessageId.make(randomUUID()), assistant_message_id: assistant,
    content: "q", model: null, at
  }))
  return { sessions, sessionId, assistant }
})

/** The delta batches the log holds for the session: [kind, offset, text]. */
const batches = (sessionId: SessionId) =>
  Effect.flatMap(EventStore, (store) => store.readStream(streamIdOfSession(sessionId))).pipe(
    Effect.map((events) =>
      events.filter((e) => e.type === "TextDelta" || e.type === "ReasoningDelta").map((e) => {
        const data = e.data as { readonly offset: number; readonly text: string }
        return [e.type, data.offset, data.text] as const
      })
    )
  )

layer(engineLayer(), { timeout: 60_000, excludeTestServices: true })("the delta batcher", (it) => {
  it.scoped("hands each piece its offset at once and stores a batch once enough text waits, at exact offsets", () =>
    Effect.gen(function* () {
      const { sessions, sessionId, assistant } = yield* openMessage
      const batcher = yield* makeDeltaBatcher(sessions, sessionId, assistant, 6)
      const offsets: Array<number> = []
      const publish = (offset: number) => Effect.sync(() => void offsets.push(offset))
      for (const piece of ["He", "llo", " wor", "ld"]) yield* batcher.add("text", piece, publish)
      yield* batcher.add("reasoning", "why", publish)
      expect(offsets).toEqual([0, 2, 5, 9, 0])
      // "He"+"llo"+" wor" reached 6 characters and was stored; "ld" and the reasoning wait.
      expect(yield* batches(sessionId)).toEqual([["TextDelta", 0, "Hello wor"]])
      yield* batcher.flush
      expect(yield* batches(sessionId)).toEqual([["TextDelta", 0, "Hello wor"], ["ReasoningDelta", 0, "why"], ["TextDelta", 9, "ld"]])
      yield* batcher.flush
      expect((yield* batches(sessionId)).length).toBe(3)
    })
  )

  it.scoped("a continued answer goes on from its length; a batch the log already took is recognised, not stored twice", () =>
    Effect.gen(function* () {
      const { sessions, sessionId, assistant } = yield* openMessage
      yield* sessions.execute(sessionId, () => ({ _tag: "AppendText", session_id: sessionId, message_id: assistant, offset: 0, text: "Half", at }))
      const batcher = yield* makeDeltaBatcher(sessions, sessionId, assistant, 100, { text: 4, reasoning: 0 })
      const offsets: Array<number> = []
      yield* batcher.add("text", " and more", (offset) => Effect.sync(() => void offsets.push(offset)))
      expect(offsets).toEqual([4])
      // The same batch lands first by another path (an earlier attempt whose answer was lost).
      yield* sessions.execute(sessionId, () => ({ _tag: "AppendText", session_id: sessionId, message_id: assistant, offset: 4, text: " and", at }))
      yield* batcher.flush
      expect(yield* batches(sessionId)).toEqual([["TextDelta", 0, "Half"], ["TextDelta", 4, " and"], ["TextDelta", 8, " more"]])
      const { state } = yield* sessions.load(sessionId)
      expect(state.messages.find((m) => m.id === assistant)?.content).toBe("Half and more")
    })
  )
})
