import { expect, layer } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { LlmClient } from "../../../src/infra/llm/LlmClient.ts"
import {
  bareReasoning,
  busy503,
  closing,
  delta,
  errorEventText,
  FakeLlmServer,
  fakeLlmLayer,
  llamaCppErrorLine,
  llamaSwapLoadFailure,
  llamaSwapLoading,
  loading503,
  reasoningReply,
  textReply,
  textSteps,
  textThenPings
} from "../../support/fakeLlm/index.ts"
import { ask, clientLayer, collect, finishedOf, reasoningOf, textOf } from "./support.ts"

const PREFIX = "the LLM server reported an error: "

layer(fakeLlmLayer, { excludeTestServices: true, timeout: 30_000 })("LlmClient.streamChat: upstream quirks", (it) => {
  it.effect("only `: ping` comments from the start fail with LlmTimeout first_byte", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(textThenPings("", 100, 50))
      const error = yield* Effect.flip(collect(fake, undefined, { LLM_FIRST_BYTE_TIMEOUT_MS: "400", LLM_IDLE_TIMEOUT_MS: "400" }))
      expect(error).toMatchObject({ _tag: "LlmTimeout", phase: "first_byte", seconds: 0.4 })
      expect(error.message).toContain("sent no answer data for 0.4 s")
      expect(error.message).toContain("keep-alive comments such as `: ping` do not count")
      expect(yield* Effect.promise(() => fake.waitClosedEarly(1))).toBe(true)
    }))

  it.effect("a few tokens, then only `: ping` comments, fail with LlmTimeout idle", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(textThenPings("a few tokens", 100, 50))
      const error = yield* Effect.flip(collect(fake, undefined, { LLM_IDLE_TIMEOUT_MS: "400" }))
      expect(error).toMatchObject({ _tag: "LlmTimeout", phase: "idle", seconds: 0.4 })
      expect(error.message).toContain("stopped sending for 0.4 s in the middle of the answer")
      expect(yield* Effect.promise(() => fake.waitClosedEarly(1))).toBe(true)
    }))

  it.effect("llama.cpp's old `error: {...}` line fails with the server's own message", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(llamaCppErrorLine("partial ", "slot 0 failed to decode the batch"))
      const error = yield* Effect.flip(collect(fake))
      expect(error).toMatchObject({ _tag: "LlmStreamError", message: `${PREFIX}slot 0 failed to decode the batch` })
    }))

  it.effect("an old `error:` line about the context size is a context overflow", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(llamaCppErrorLine("", "the request exceeds the available context size, try increasing it", "exceed_context_size_error"))
      const error = yield* Effect.flip(collect(fake))
      expect(error._tag).toBe("LlmContextOverflow")
      expect(error.message).toContain("the request exceeds the available context size")
    }))

  it.effect("Retry-After in seconds on a 503 is waited for before the retry", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(busy503("Loading model", "1"), textReply("after the wait"))
      const events = yield* collect(fake, undefined, { LLM_LOADING_BACKOFF_MS: "10" })
      expect(textOf(events)).toBe("after the wait")
      expect(fake.requests.length).toBe(2)
      expect(fake.requests[1].receivedAt - fake.requests[0].receivedAt).toBeGreaterThanOrEqual(950)
    }))

  it.effect("Retry-After as an HTTP-date on a 503 is waited for before the retry", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      // HTTP-dates have whole seconds: 3.5 s ahead is still 2.5 s ahead once truncated, which leaves
      // more than a second for the request to arrive under load
      fake.enqueue(busy503("Loading model", new Date(Date.now() + 3500).toUTCString()), textReply("dated"))
      const events = yield* collect(fake, undefined, { LLM_LOADING_BACKOFF_MS: "10" })
      expect(textOf(events)).toBe("dated")
      expect(fake.requests[1].receivedAt - fake.requests[0].receivedAt).toBeGreaterThanOrEqual(1300)
    }))

  it.effect("a 503 that does not say loading (busy, swapping) is retried too", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(busy503("all slots are busy"), busy503("swapping models"), textReply("served at last"))
      const events = yield* collect(fake, undefined, { LLM_LOADING_BACKOFF_MS: "10" })
      expect(textOf(events)).toBe("served at last")
      expect(fake.requests.length).toBe(3)
    }))

  it.effect("a busy 503 after every retry fails with LlmHttpError saying what the server said", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(busy503("all slots are busy"), busy503("all slots are busy"), busy503("all slots are busy"))
      const error = yield* Effect.flip(collect(fake, undefined, { LLM_LOADING_BACKOFF_MS: "10", LLM_LOADING_RETRIES: "2" }))
      expect(error).toMatchObject({ _tag: "LlmHttpError", status: 503 })
      expect(error.message).toBe(
        `the LLM server at ${fake.url}/v1/chat/completions was busy (HTTP 503) and still was after 2 retries ` +
          "(LLM_LOADING_RETRIES); try again in a moment. Server said: all slots are busy"
      )
      expect(fake.requests.length).toBe(3)
    }))

  it.effect("a 429 (llama-swap's concurrency limit) is retried as well", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(
        {
          status: 429,
          headers: { "content-type": "application/json", "retry-after": "0" },
          body: JSON.stringify({ src: "llama-swap", error: { message: "Too many requests", type: "rate_limit_error", code: "concurrency_limit" } }),
          steps: []
        },
        textReply("my turn now")
      )
      expect(textOf(yield* collect(fake, undefined, { LLM_LOADING_BACKOFF_MS: "10" }))).toBe("my turn now")
      expect(fake.requests.length).toBe(2)
    }))

  it.effect("loading after every retry still fails with LlmModelLoading", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(loading503(), loading503())
      const error = yield* Effect.flip(collect(fake, undefined, { LLM_LOADING_BACKOFF_MS: "10", LLM_LOADING_RETRIES: "1" }))
      expect(error._tag).toBe("LlmModelLoading")
      expect(error.message).toContain("after 1 retry; try again in a moment. Server said: Loading model")
    }))

  it.effect("an `event: error` with plain-text data fails with that text as the message", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(errorEventText("partial ", "upstream died: out of memory"))
      const error = yield* Effect.flip(collect(fake))
      expect(error).toMatchObject({ _tag: "LlmStreamError", message: `${PREFIX}upstream died: out of memory` })
    }))

  it.effect("a long plain-text error event is cut to a bounded message", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(errorEventText("", "x".repeat(5000)))
      const error = yield* Effect.flip(collect(fake))
      expect(error.message).toBe(`${PREFIX}${"x".repeat(300)}…`)
    }))

  it.effect("SSE served as application/json is parsed as SSE", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue({ ...textReply("mislabelled but fine"), headers: { "content-type": "application/json" } })
      const events = yield* collect(fake)
      expect(textOf(events)).toBe("mislabelled but fine")
      expect(finishedOf(events).finish_reason).toBe("stop")
    }))

  it.effect("SSE served as application/json streams: the first delta arrives before the body ends", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue({
        headers: { "content-type": "application/json; charset=utf-8" },
        steps: [...textSteps("early"), { delayMs: 20_000 }, ...closing("stop")]
      })
      // the text written before the pause arrives in one or two reads, each relayed as it comes
      let text = ""
      const first = yield* Effect.gen(function*() {
        const llm = yield* LlmClient
        return yield* Stream.runCollect(llm.streamChat(ask("x")).pipe(
          Stream.takeUntil((e) => {
            if (e._tag === "TextDelta") text += e.text
            return text === "early"
          })
        ))
      }).pipe(Effect.provide(clientLayer(fake.url)), Effect.timeout("10 seconds"))
      expect(Chunk.toReadonlyArray(first).every((e) => e._tag === "TextDelta")).toBe(true)
      expect(text).toBe("early")
      expect(yield* Effect.promise(() => fake.waitClosedEarly(1))).toBe(true)
    }))

  it.effect("llama-swap's loading progress stays out of the reasoning and the answer", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(llamaSwapLoading("fake-model", reasoningReply("real thinking", "real answer")))
      const events = yield* collect(fake)
      expect(reasoningOf(events)).toBe("real thinking")
      expect(textOf(events)).toBe("real answer")
    }))

  it.effect("llama-swap's error line after its loading progress fails with its message", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(llamaSwapLoadFailure("fake-model", "unspecific error: upstream command exited prematurely"))
      const error = yield* Effect.flip(collect(fake))
      expect(error).toMatchObject({ _tag: "LlmStreamError", message: `${PREFIX}unspecific error: upstream command exited prematurely` })
    }))

  it.effect("bare reasoning chunks without llama-swap's banner are kept", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue({ steps: [bareReasoning("minimal "), bareReasoning("server"), delta({ content: "ok" }), ...closing("stop")] })
      const events = yield* collect(fake)
      expect(reasoningOf(events)).toBe("minimal server")
      expect(textOf(events)).toBe("ok")
    }))
})
