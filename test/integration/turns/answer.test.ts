import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { SessionService } from "../../../src/app/sessions/SessionService.ts"
import { engineLayer, loggedText, newSession, waitForEnd } from "../../support/engine.ts"
import { FakeLlmServer, reasoningReply, textReply, toolCallReply } from "../../support/fakeLlm/index.ts"

layer(engineLayer(), { timeout: 60_000, excludeTestServices: true })("turns: answers and tools", (it) => {
  it.scoped("streams a plain answer into the log and the read model", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const sessions = yield* SessionService
      const { sessionId } = yield* newSession
      const reply = "Héllo 🌍, the answer is 42 — see src/main.ts line 1."
      fake.enqueue(textReply(reply, { chunkChars: 3, splitBytes: 5, usage: { prompt_tokens: 120, completion_tokens: 17 }, timings: { predicted_per_second: 33.5, prompt_n: 120 } }))
      fake.setProps(8192)
      const posted = yield* sessions.postMessage(sessionId, "What is the answer?")
      const message = yield* waitForEnd(sessionId, posted.assistant_message_id)
      expect(message.status).toBe("complete")
      expect(message.content).toBe(reply)
      expect(yield* loggedText(sessionId, posted.assistant_message_id)).toBe(reply)
      expect(message.usage?.completion_tokens).toBe(17)
      expect(message.ctx_used).toBe(120)
      expect(message.ctx_max).toBe(8192)
      expect(message.timings?.predicted_per_second).toBe(33.5)
      const request = fake.requests[fake.requests.length - 1]
      expect(JSON.stringify(request.body)).toContain("What is the answer?")
      expect(JSON.stringify(request.body)).toContain("view_file")
    })
  )

  it.scoped("runs a tool call split across chunks, then answers", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const sessions = yield* SessionService
      const { sessionId } = yield* newSession
      fake.enqueue(
        toolCallReply([{ id: "c1", name: "view_file", arguments: JSON.stringify({ path: "src/main.ts" }) }], { splitArgs: 3 }),
        textReply("It exports answer = 42.")
      )
      const posted = yield* sessions.postMessage(sessionId, "Read main")
      const message = yield* waitForEnd(sessionId, posted.assistant_message_id)
      expect(message.status).toBe("complete")
      expect(message.tool_calls.map((c) => c.name)).toEqual(["view_file"])
      expect(message.tool_results[0].error).toBeNull()
      expect(message.tool_results[0].output).toContain("export const answer = 42")
      expect(message.content).toBe("It exports answer = 42.")
      const second = JSON.stringify(fake.requests[fake.requests.length - 1].body)
      expect(second).toContain("export const answer = 42")
      expect(second).toContain('"tool_call_id":"c1"')
    })
  )

  it.scoped("runs two parallel tool calls and reports bad ones back to the model", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const sessions = yield* SessionService
      const { sessionId } = yield* newSession
      fake.enqueue(
        toolCallReply([
          { id: "a", name: "list_dir", arguments: "{}" },
          { id: "b", name: "find_files", arguments: JSON.stringify({ pattern: "**/*.ts" }) },
          { id: "c", name: "rm_rf", arguments: "{}" },
          { id: "d", name: "view_file", arguments: "{not json" }
        ]),
        textReply("Done.")
      )
      const posted = yield* sessions.postMessage(sessionId, "Look around")
      const message = yield* waitForEnd(sessionId, posted.assistant_message_id)
      expect(message.status).toBe("complete")
      const byId = new Map(message.tool_results.map((r) => [String(r.tool_call_id), r]))
      expect(byId.get("a")?.output).toContain("src")
      expect(byId.get("b")?.output).toContain("src/main.ts")
      expect(byId.get("c")?.error).toContain("unknown tool")
      expect(byId.get("d")?.error).toContain("invalid arguments")
    })
  )

  it.scoped("keeps reasoning apart from the answer", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const sessions = yield* SessionService
      const { sessionId } = yield* newSession
      fake.enqueue(reasoningReply("Let me think about it.", "Forty-two."))
      const posted = yield* sessions.postMessage(sessionId, "Why?")
      const message = yield* waitForEnd(sessionId, posted.assistant_message_id)
      expect(message.reasoning).toBe("Let me think about it.")
      expect(message.content).toBe("Forty-two.")
      expect(yield* loggedText(sessionId, posted.assistant_message_id, "ReasoningDelta")).toBe("Let me think about it.")
    })
  )
})
