import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { engineLayer } from "../../support/engine.ts"
import { crlfWithPings, FakeLlmServer, ollamaWholeToolCall, textReply } from "../../support/fakeLlm/index.ts"
import { askAndWait } from "./helpers.ts"

/** What servers differ on: whole tool calls (Ollama), where usage and timings arrive, CRLF and pings. */
layer(engineLayer(), { timeout: 60_000, excludeTestServices: true })("turns: wire variants", (it) => {
  it.scoped("runs Ollama-style whole tool calls without index or id, then answers", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      fake.setProps(8192)
      const answer = "main.ts exports 42 and the README says Demo."
      fake.enqueue(
        ollamaWholeToolCall([
          { name: "view_file", arguments: JSON.stringify({ path: "src/main.ts" }) },
          { name: "view_file", arguments: JSON.stringify({ path: "README.md" }) }
        ]),
        textReply(answer, { usage: { prompt_tokens: 300, completion_tokens: 12 }, usageOn: "finish" })
      )
      const before = fake.requests.length
      const { message, logged } = yield* askAndWait("Read both files")
      expect(message.status).toBe("complete")
      expect(message.error).toBeNull()
      expect(message.tool_calls.map((c) => c.name)).toEqual(["view_file", "view_file"])
      const ids = message.tool_calls.map((c) => String(c.id))
      expect(new Set(ids).size).toBe(2)
      const outputs = message.tool_results.map((r) => r.output)
      expect(message.tool_results.every((r) => r.error === null)).toBe(true)
      expect(outputs.some((o) => o.includes("export const answer = 42"))).toBe(true)
      expect(outputs.some((o) => o.includes("A demo project."))).toBe(true)
      expect(message.content).toBe(answer)
      expect(logged).toBe(answer)
      // completion tokens add up over the rounds (5 for the whole call, 12 for the answer)
      expect(message.usage).toEqual({ prompt_tokens: 300, completion_tokens: 17, total_tokens: 317 })
      expect(message.ctx_used).toBe(300)
      expect(message.ctx_max).toBe(8192)
      expect(fake.requests.length - before).toBe(2)
      const second = JSON.stringify(fake.requests[fake.requests.length - 1].body)
      for (const id of ids) expect(second).toContain(`"tool_call_id":"${id}"`)
      expect(second).toContain("A demo project.")
    })
  )

  it.scoped("reads usage from a final chunk with empty choices", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const reply = "Usage arrives last."
      fake.enqueue(textReply(reply, { usage: { prompt_tokens: 55, completion_tokens: 7 }, usageOn: "final" }))
      const { message, logged } = yield* askAndWait("q")
      expect(message.status).toBe("complete")
      expect(message.usage).toEqual({ prompt_tokens: 55, completion_tokens: 7, total_tokens: 62 })
      expect(message.ctx_used).toBe(55)
      expect(message.timings).toBeNull()
      expect(message.content).toBe(reply)
      expect(logged).toBe(reply)
    })
  )

  it.scoped("reads usage and llama.cpp timings from the finish chunk", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const reply = "Usage on the finish chunk."
      const timings = { prompt_n: 64, cache_n: 10, predicted_n: 9, predicted_per_second: 41.25, prompt_ms: 120.5 }
      fake.enqueue(textReply(reply, { usage: { prompt_tokens: 64, completion_tokens: 9 }, usageOn: "finish", timings }))
      const { message, logged } = yield* askAndWait("q")
      expect(message.status).toBe("complete")
      expect(message.finish_reason).toBe("stop")
      expect(message.usage).toEqual({ prompt_tokens: 64, completion_tokens: 9, total_tokens: 73 })
      expect(message.ctx_used).toBe(64)
      expect(message.timings).toEqual(timings)
      expect(logged).toBe(reply)
    })
  )

  it.scoped("takes ctx_used from timings.prompt_n when the server sends no usage", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const reply = "Only timings here."
      fake.enqueue(textReply(reply, { timings: { prompt_n: 77, predicted_n: 4, predicted_per_second: 12 } }))
      const { message, logged } = yield* askAndWait("q")
      expect(message.status).toBe("complete")
      expect(message.usage).toBeNull()
      expect(message.ctx_used).toBe(77)
      expect(message.timings?.predicted_per_second).toBe(12)
      expect(logged).toBe(reply)
    })
  )

  it.scoped("completes without usage or timings", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const reply = "Nothing to count."
      fake.enqueue(textReply(reply, { finishReason: "length" }))
      const { message, logged } = yield* askAndWait("q")
      expect(message.status).toBe("complete")
      expect(message.finish_reason).toBe("length")
      expect(message.usage).toBeNull()
      expect(message.ctx_used).toBeNull()
      expect(message.timings).toBeNull()
      expect(message.ctx_max).toBe(8192)
      expect(logged).toBe(reply)
    })
  )

  it.scoped("reads CRLF frames with `: ping` comments between them", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const reply = "Pings are not text; CRLF is a line end."
      fake.enqueue(crlfWithPings(reply))
      const { message, logged } = yield* askAndWait("q")
      expect(message.status).toBe("complete")
      expect(message.content).toBe(reply)
      expect(logged).toBe(reply)
    })
  )
})
