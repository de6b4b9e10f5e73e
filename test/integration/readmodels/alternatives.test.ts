import { expect, layer } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect, Option } from "effect"
import { SessionService } from "../../../src/app/sessions/SessionService.ts"
import { readSnapshot, writeSnapshot } from "../../../src/infra/readmodels/sessionSnapshots.ts"
import { verifyAll } from "../../../src/infra/readmodels/verifyAll.ts"
import { SessionRepository } from "../../../src/infra/repositories/SessionRepository.ts"
import { engineLayer, newSession, waitForEnd } from "../../support/engine.ts"
import { FakeLlmServer, textReply } from "../../support/fakeLlm/index.ts"

layer(engineLayer(), { timeout: 120_000, excludeTestServices: true })("alternatives in the read models and snapshots", (it) => {
  it.scoped("after regenerates and selections the tables equal the log, and a snapshot brings the kept answers back whole", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const fake = yield* FakeLlmServer
      const sessions = yield* SessionService
      const repo = yield* SessionRepository
      const { sessionId } = yield* newSession
      fake.enqueue(textReply("First answer."), textReply("Follow-up."), textReply("Second answer."))
      const first = yield* sessions.postMessage(sessionId, "Question")
      yield* waitForEnd(sessionId, first.assistant_message_id)
      const followUp = yield* sessions.postMessage(sessionId, "And?")
      yield* waitForEnd(sessionId, followUp.assistant_message_id)
      const second = yield* sessions.regenerate(sessionId, first.assistant_message_id)
      yield* waitForEnd(sessionId, second.assistant_message_id)
      expect(yield* verifyAll).toEqual([])

      yield* sessions.selectAlternative(sessionId, second.assistant_message_id, 0)
      expect(yield* verifyAll).toEqual([])
      const shownRows = yield* sql<{ content: string }>`SELECT content FROM messages
        WHERE session_id = ${sessionId} AND NOT deleted ORDER BY seq`
      expect(shownRows.map((r) => r.content)).toEqual(["Question", "First answer.", "And?", "Follow-up."])

      const { state } = yield* repo.replayAt(sessionId, Number.MAX_SAFE_INTEGER)
      expect(state.alternatives[0].tails.map((t) => t.map((m) => m.content))).toEqual([[], ["Second answer."]])
      yield* writeSnapshot(sql, sessionId, state)
      const loaded = yield* readSnapshot(sql, sessionId)
      expect(Option.getOrThrow(loaded)).toStrictEqual(state)
    })
  )
})
