import { expect, layer } from "@effect/vitest"
import { Effect, Fiber, Stream } from "effect"
import { LlmClient } from "../../../src/infra/llm/LlmClient.ts"
import { delta, FakeLlmServer, fakeLlmLayer, slowReply, stall } from "../../support/fakeLlm/index.ts"
import { ask, clientLayer, collect, textOf } from "./support.ts"

layer(fakeLlmLayer, { excludeTestServices: true })("LlmClient.streamChat: time limits and interruption", (it) => {
  it.effect("a stall between chunks fails with LlmTimeout idle", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(stall(1500))
      const error = yield* Effect.flip(collect(fake, undefined, { LLM_IDLE_TIMEOUT_MS: "200" }))
      expect(error).toMatchObject({ _tag: "LlmTimeout", phase: "idle", seconds: 0.2 })
      expect(error.message).toContain("stopped sending for 0.2 s")
      expect(yield* Effect.promise(() => fake.waitClosedEarly(1))).toBe(true)
    }))

  it.effect("silence before the first byte fails with LlmTimeout first_byte", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue({ steps: [{ delayMs: 1500 }, delta({ content: "late" }, "stop")] })
      const error = yield* Effect.flip(collect(fake, undefined, { LLM_FIRST_BYTE_TIMEOUT_MS: "200", LLM_IDLE_TIMEOUT_MS: "5000" }))
      expect(error).toMatchObject({ _tag: "LlmTimeout", phase: "first_byte" })
    }))

  it.effect("a slow but steady stream within the idle limit is fine", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(slowReply(5, 50))
      const events = yield* collect(fake, undefined, { LLM_IDLE_TIMEOUT_MS: "300" })
      expect(textOf(events)).toBe("piece 0 piece 1 piece 2 piece 3 piece 4 ")
    }))

  it.effect("time the consumer spends on an event does not count against the idle limit", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(slowReply(4, 30))
      const seen: Array<string> = []
      yield* Effect.gen(function*() {
        const llm = yield* LlmClient
        // each event takes the consumer three times the idle limit; the upstream itself never waits that long
        yield* Stream.runForEach(llm.streamChat(ask("x")), (e) =>
          e._tag === "TextDelta" ? Effect.sleep("600 millis").pipe(Effect.zipRight(Effect.sync(() => void seen.push(e.text)))) : Effect.void)
      }).pipe(Effect.provide(clientLayer(fake.url, { LLM_IDLE_TIMEOUT_MS: "200" })))
      expect(seen.join("")).toBe("piece 0 piece 1 piece 2 piece 3 ")
    }))

  it.effect("interrupting the consuming fiber closes the connection", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(slowReply(200, 20))
      const fiber = yield* Effect.gen(function*() {
        const llm = yield* LlmClient
        yield* Stream.runDrain(llm.streamChat(ask("long answer please")))
      }).pipe(Effect.provide(clientLayer(fake.url)), Effect.fork)
      yield* Effect.sleep("150 millis")
      yield* Fiber.interrupt(fiber)
      expect(yield* Effect.promise(() => fake.waitClosedEarly(1))).toBe(true)
      expect(fake.closedEarly).toBe(1)
    }))

  it.effect("taking only the first events ends the request too", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(slowReply(200, 20))
      const firstTwo = yield* Effect.gen(function*() {
        const llm = yield* LlmClient
        return yield* Stream.runCollect(llm.streamChat(ask("x")).pipe(Stream.take(2)))
      }).pipe(Effect.provide(clientLayer(fake.url)))
      expect(firstTwo.length).toBe(2)
      expect(yield* Effect.promise(() => fake.waitClosedEarly(1))).toBe(true)
    }))
})
