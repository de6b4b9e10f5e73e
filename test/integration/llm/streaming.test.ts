import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import {
  chunk,
  crlfWithPings,
  delta,
  done,
  FakeLlmServer,
  fakeLlmLayer,
  garbledLines,
  reasoningReply,
  textReply
} from "../../support/fakeLlm/index.ts"
import { ask, collect, finishedOf, reasoningOf, textOf } from "./support.ts"

layer(fakeLlmLayer, { excludeTestServices: true })("LlmClient.streamChat: answers", (it) => {
  it.effect("concatenated deltas equal the text sent, split mid-token and mid-UTF-8 character", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      const text = "héllo 🌍 — ça marche, 日本語も大丈夫 ✓"
      fake.enqueue(textReply(text, { chunkChars: 3, splitBytes: 3 }))
      const events = yield* collect(fake)
      expect(textOf(events)).toBe(text)
      expect(finishedOf(events).finish_reason).toBe("stop")
    }))

  it.effect("sends stream options, tools with tool_choice, and omits tools when noTools", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      const tools = [{ name: "view_file", description: "read a file", parameters: { type: "object", properties: {} } }]
      yield* collect(fake, ask("hi", { tools, maxTokens: 50 }))
      yield* collect(fake, ask("hi", { tools, noTools: true }))
      expect(fake.requests[0].body).toMatchObject({
        model: "fake-model",
        stream: true,
        stream_options: { include_usage: true },
        max_tokens: 50,
        tool_choice: "auto",
        tools: [{ type: "function", function: { name: "view_file", description: "read a file" } }]
      })
      expect(fake.requests[1].body).not.toHaveProperty("tools")
      expect(fake.requests[1].body).not.toHaveProperty("tool_choice")
      expect(fake.requests[0].headers.authorization).toBeUndefined()
    }))

  it.effect("sends the bearer token when LLM_API_KEY is set", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      yield* collect(fake, ask("hi"), { LLM_API_KEY: "sk-secret" })
      expect(fake.requests[0].headers.authorization).toBe("Bearer sk-secret")
    }))

  it.effect("usage on a last chunk with empty choices", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(textReply("ok", { usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 }, usageOn: "final" }))
      const finished = finishedOf(yield* collect(fake))
      expect(finished.usage).toEqual({ prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 })
    }))

  it.effect("usage on the finish chunk, total computed when missing, llama.cpp timings", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      const timings = { prompt_n: 120, prompt_ms: 80.5, cache_n: 100, predicted_n: 3, predicted_per_second: 42.1 }
      fake.enqueue(textReply("ok", { usage: { prompt_tokens: 7, completion_tokens: 2 }, usageOn: "finish", timings }))
      const finished = finishedOf(yield* collect(fake))
      expect(finished.usage).toEqual({ prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 })
      expect(finished.timings).toEqual(timings)
    }))

  it.effect("no usage and no timings give nulls", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(textReply("ok"))
      const finished = finishedOf(yield* collect(fake))
      expect(finished.usage).toBeNull()
      expect(finished.timings).toBeNull()
    }))

  it.effect("reasoning_content (llama.cpp) and reasoning (vLLM, Ollama) become ReasoningDelta", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(reasoningReply("Let me think.", "Answer.", { field: "reasoning_content" }))
      fake.enqueue(reasoningReply("Hmm, well.", "Other.", { field: "reasoning" }))
      const first = yield* collect(fake)
      const second = yield* collect(fake)
      expect([reasoningOf(first), textOf(first)]).toEqual(["Let me think.", "Answer."])
      expect([reasoningOf(second), textOf(second)]).toEqual(["Hmm, well.", "Other."])
    }))

  it.effect("`: ping` comments and CRLF line endings", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(crlfWithPings("through pings and CRLF"))
      const events = yield* collect(fake)
      expect(textOf(events)).toBe("through pings and CRLF")
      expect(finishedOf(events).finish_reason).toBe("stop")
    }))

  it.effect("content: null and empty deltas yield nothing", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue({
        steps: [
          delta({ role: "assistant", content: null }),
          delta({ content: "a" }),
          delta({ content: null }),
          delta({}),
          chunk([{ index: 0, delta: null, finish_reason: null }]),
          delta({ content: "b" }, "stop"),
          done
        ]
      })
      const events = yield* collect(fake)
      // how many TextDeltas depends on how the frames were read (one per read); none is empty
      const deltas = events.slice(0, -1)
      expect(deltas.filter((e) => e._tag !== "TextDelta" || e.text === "")).toEqual([])
      expect(events[events.length - 1]._tag).toBe("Finished")
      expect(textOf(events)).toBe("ab")
    }))

  it.effect("frames that do not decode are skipped", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(garbledLines("still readable text"))
      expect(textOf(yield* collect(fake))).toBe("still readable text")
    }))

  it.effect("an empty queue answers a default reply", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      expect(textOf(yield* collect(fake))).toBe("Hello from the fake LLM.")
    }))

  it.effect("a whole completion as a JSON body on a 200 is read too", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue({
        body: JSON.stringify({
          choices: [{ index: 0, message: { role: "assistant", content: "whole" }, finish_reason: "stop" }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }
        }),
        steps: []
      })
      const events = yield* collect(fake)
      expect(textOf(events)).toBe("whole")
      expect(finishedOf(events).usage?.total_tokens).toBe(2)
    }))
})
