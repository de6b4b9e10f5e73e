import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { SessionService } from "../../../src/app/sessions/SessionService.ts"
import { type SessionId, streamIdOfSession } from "../../../src/domain/index.ts"
import { EventStore } from "../../../src/infra/eventstore/EventStore.ts"
import { type LiveDelta, LiveHub } from "../../../src/infra/live/LiveHub.ts"
import { SessionRepository } from "../../../src/infra/repositories/SessionRepository.ts"
import { engineLayer, loggedText, newSession, waitForEnd } from "../../support/engine.ts"
import { closing, delta, FakeLlmServer, reasoningReply, textReply, toolCallReply } from "../../support/fakeLlm/index.ts"

/** Posts `content` with a live subscriber on the session; returns the ended message, its log text and what the subscriber saw. */
const askWatching = (sessionId: SessionId, content: string) =>
  Effect.gen(function* () {
    const sessions = yield* SessionService
    const hub = yield* LiveHub
    const deltas: Array<LiveDelta> = []
    yield* hub.listen(sessionId, (d) => void deltas.push(d))
    const posted = yield* sessions.postMessage(sessionId, content)
    const message = yield* waitForEnd(sessionId, posted.assistant_message_id)
    const live = (kind: "text" | "reasoning") =>
      [...deltas].filter((d) => d.message_id === posted.assistant_message_id && d.kind === kind).map((d) => d.text).join("")
    return {
      message,
      logged: yield* loggedText(sessionId, posted.assistant_message_id),
      loggedReasoning: yield* loggedText(sessionId, posted.assistant_message_id, "ReasoningDelta"),
      liveText: live("text"),
      liveReasoning: live("reasoning")
    }
  })

/** What Postgres cannot store, streamed by the model, is kept as U+FFFD; everything else byte for byte. */
layer(engineLayer(), { timeout: 60_000, excludeTestServices: true })("turns: text Postgres cannot store", (it) => {
  it.scoped("a NUL in the answer becomes U+FFFD in the log, the read model and the live stream", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const { sessionId } = yield* newSession
      fake.enqueue(textReply("before\u0000after", { chunkChars: 3 }))
      const seen = yield* askWatching(sessionId, "Say it")
      expect(seen.message.status).toBe("complete")
      expect(seen.message.content).toBe("before\uFFFDafter")
      expect(seen.logged).toBe("before\uFFFDafter")
      expect(seen.liveText).toBe("before\uFFFDafter")
    })
  )

  it.scoped("an unpaired surrogate in the answer and the reasoning becomes U+FFFD", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const { sessionId } = yield* newSession
      fake.enqueue(reasoningReply("think \udc00 more", "x\ud800y 🌍"))
      const seen = yield* askWatching(sessionId, "Say it")
      expect(seen.message.status).toBe("complete")
      expect(seen.message.content).toBe("x\uFFFDy 🌍")
      expect(seen.logged).toBe("x\uFFFDy 🌍")
      expect(seen.liveText).toBe("x\uFFFDy 🌍")
      expect(seen.message.reasoning).toBe("think \uFFFD more")
      expect(seen.loggedReasoning).toBe("think \uFFFD more")
      expect(seen.liveReasoning).toBe("think \uFFFD more")
    })
  )

  it.scoped("a surrogate pair split across two SSE chunks arrives whole; a lone one at the very end becomes U+FFFD", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const { sessionId } = yield* newSession
      fake.enqueue({
        steps: [
          delta({ content: "a\ud83d" }),
          delta({ content: "\ude00b\ud83d" }),
          delta({ content: "\ude80" }),
          delta({ content: " end\ud83d" }),
          ...closing("stop")
        ]
      })
      const seen = yield* askWatching(sessionId, "Smile")
      expect(seen.message.status).toBe("complete")
      expect(seen.message.content).toBe("a😀b🚀 end\uFFFD")
      expect(seen.logged).toBe("a😀b🚀 end\uFFFD")
      expect(seen.liveText).toBe("a😀b🚀 end\uFFFD")
    })
  )

  it.scoped("tool-call names and arguments holding NUL are recorded with U+FFFD", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const { sessionId } = yield* newSession
      fake.enqueue(
        toolCallReply([
          { id: "n", name: "view\u0000file", arguments: "{}" },
          { id: "a", name: "list_dir", arguments: "{\"path\": \".\"}\u0000\ud800" }
        ]),
        textReply("Done.")
      )
      const seen = yield* askWatching(sessionId, "Look")
      expect(seen.message.status).toBe("complete")
      const calls = new Map(seen.message.tool_calls.map((c) => [String(c.id), c]))
      expect(calls.get("n")?.name).toBe("view\uFFFDfile")
      expect(calls.get("a")?.args).toBe("{\"path\": \".\"}\uFFFD\uFFFD")
      const results = new Map(seen.message.tool_results.map((r) => [String(r.tool_call_id), r]))
      expect(results.get("n")?.error).toContain("unknown tool view\uFFFDfile")
      expect(seen.message.content).toBe("Done.")
    })
  )

  it.scoped("a tool whose output holds NUL is recorded with U+FFFD, and the model reads the same", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const { sessionId, root } = yield* newSession
      // past the first 8 KB, so the file is not taken for binary and its lines are shown
      yield* Effect.promise(() =>
        fs.writeFile(path.join(root, "odd.txt"), `${"filler line\n".repeat(1000)}before\u0000after\n`)
      )
      fake.enqueue(
        toolCallReply([{ id: "v", name: "view_file", arguments: JSON.stringify({ path: "odd.txt", start_line: 1001 }) }]),
        textReply("Seen.")
      )
      const seen = yield* askWatching(sessionId, "Read odd.txt")
      expect(seen.message.status).toBe("complete")
      const result = seen.message.tool_results[0]
      expect(result.error).toBeNull()
      expect(result.output).toContain("before\uFFFDafter")
      expect(result.output).not.toContain("\u0000")
      expect(JSON.stringify(fake.requests[fake.requests.length - 1].body)).toContain("before\uFFFDafter")
    })
  )

  it.scoped("last line of defence: the repository stores an event that still holds a NUL with U+FFFD instead of failing", () =>
    Effect.gen(function* () {
      const repository = yield* SessionRepository
      const sessions = yield* SessionService
      const { sessionId } = yield* newSession
      const at = new Date().toISOString()
      const executed = yield* repository.execute(sessionId, () => ({
        _tag: "ChangeSessionSettings", session_id: sessionId, system_prompt: "be\u0000nice \udfff", at
      }))
      expect(executed.state.system_prompt).toBe("be\uFFFDnice \uFFFD")
      const events = yield* Effect.flatMap(EventStore, (store) => store.readStream(streamIdOfSession(sessionId)))
      expect(events[events.length - 1].data).toMatchObject({ system_prompt: "be\uFFFDnice \uFFFD" })
      const row = yield* sessions.get(sessionId)
      expect(row.state.system_prompt).toBe("be\uFFFDnice \uFFFD")
      const sql = yield* SqlClient.SqlClient
      const stored = yield* sql<{ system_prompt: string }>`SELECT system_prompt FROM sessions WHERE id = ${sessionId}`
      expect(stored[0].system_prompt).toBe("be\uFFFDnice \uFFFD")
    })
  )
})
