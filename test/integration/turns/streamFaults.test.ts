import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { engineLayer } from "../../support/engine.ts"
import {
  contextOverflow400, errorBody200, errorMidStream, FakeLlmServer, garbledLines, loading503, resetMidStream, stall, textReply
} from "../../support/fakeLlm/index.ts"
import { askAndWait } from "./helpers.ts"

/** What a server does wrong, and the message each fault leaves behind. */
layer(engineLayer({ LLM_IDLE_TIMEOUT_MS: "300", LLM_LOADING_RETRIES: "2" }), { timeout: 60_000, excludeTestServices: true })(
  "turns: stream faults",
  (it) => {
    it.scoped("retries while the model loads (503), then completes", () =>
      Effect.gen(function* () {
        const fake = yield* FakeLlmServer
        const reply = "Loaded, here is the answer."
        fake.enqueue(loading503(), loading503(), textReply(reply))
        const before = fake.requests.length
        const { message, logged } = yield* askAndWait("q")
        expect(message.status).toBe("complete")
        expect(message.error).toBeNull()
        expect(message.content).toBe(reply)
        expect(logged).toBe(reply)
        expect(fake.requests.length - before).toBe(3)
      })
    )

    it.scoped("gives up with a clear error when the model keeps loading", () =>
      Effect.gen(function* () {
        const fake = yield* FakeLlmServer
        fake.enqueue(loading503(), loading503(), loading503())
        const before = fake.requests.length
        const { message, logged } = yield* askAndWait("q")
        expect(message.status).toBe("failed")
        expect(message.error?.code).toBe("LlmModelLoading")
        expect(message.error?.message).toContain("still loading the model")
        expect(message.error?.message).toContain(fake.url)
        expect(message.content).toBe("")
        expect(logged).toBe("")
        expect(fake.requests.length - before).toBe(3) // the first try and two retries
      })
    )

    it.scoped("fails with a clear overflow message on HTTP 400 exceed_context_size_error", () =>
      Effect.gen(function* () {
        const fake = yield* FakeLlmServer
        fake.enqueue(contextOverflow400(4096, 5000))
        const { message, logged } = yield* askAndWait("q")
        expect(message.status).toBe("failed")
        expect(message.error?.code).toBe("LlmContextOverflow")
        expect(message.error?.message).toContain("no longer fits the model's context")
        expect(message.error?.message).toContain("n_ctx=4096")
        expect(message.error?.message).toContain("prompt=5000 tokens")
        expect(message.content).toBe("")
        expect(logged).toBe("")
      })
    )

    it.scoped("fails on a stall with a timeout, keeps the text so far and drops the connection", () =>
      Effect.gen(function* () {
        const fake = yield* FakeLlmServer
        const closed = fake.closedEarly
        fake.enqueue(stall(3_000, "Thinking about it", " and never finishing."))
        const { message, logged } = yield* askAndWait("q")
        // failed with only the text before the 3 s gap: the 0.3 s idle limit cut it, not the end
        expect(message.status).toBe("failed")
        expect(message.error?.code).toBe("LlmTimeout")
        expect(message.error?.message).toContain("stopped sending for 0.3 s")
        expect(message.error?.message).toContain("LLM_IDLE_TIMEOUT_MS")
        expect(message.content).toBe("Thinking about it")
        expect(logged).toBe("Thinking about it")
        expect(yield* Effect.promise(() => fake.waitClosedEarly(closed + 1))).toBe(true)
      })
    )

    it.scoped("skips garbled lines and completes with the good text", () =>
      Effect.gen(function* () {
        const fake = yield* FakeLlmServer
        const reply = "Only the good frames count."
        fake.enqueue(garbledLines(reply))
        const { message, logged } = yield* askAndWait("q")
        expect(message.status).toBe("complete")
        expect(message.content).toBe(reply)
        expect(logged).toBe(reply)
      })
    )

    it.scoped("fails on an error object mid-stream and keeps the text before it", () =>
      Effect.gen(function* () {
        const fake = yield* FakeLlmServer
        fake.enqueue(errorMidStream("Half an answer", "slot crashed: out of memory"))
        const { message, logged } = yield* askAndWait("q")
        expect(message.status).toBe("failed")
        expect(message.error?.code).toBe("LlmStreamError")
        expect(message.error?.message).toContain("slot crashed: out of memory")
        expect(message.content).toBe("Half an answer")
        expect(logged).toBe("Half an answer")
      })
    )

    it.scoped("fails on an error object as the body of a 200", () =>
      Effect.gen(function* () {
        const fake = yield* FakeLlmServer
        fake.enqueue(errorBody200("model crashed"))
        const { message, logged } = yield* askAndWait("q")
        expect(message.status).toBe("failed")
        expect(message.error?.code).toBe("LlmStreamError")
        expect(message.error?.message).toContain("model crashed")
        expect(logged).toBe("")
      })
    )

    it.scoped("fails on a connection reset mid-stream and keeps the text before it", () =>
      Effect.gen(function* () {
        const fake = yield* FakeLlmServer
        fake.enqueue(resetMidStream("Cut off right"))
        const { message, logged } = yield* askAndWait("q")
        expect(message.status).toBe("failed")
        expect(message.error?.code).toBe("LlmStreamError")
        expect(message.error?.message).toMatch(/broke mid-answer|ended/)
        expect(message.content).toBe("Cut off right")
        expect(logged).toBe("Cut off right")
      })
    )

    it.scoped("answers normally after the faults", () =>
      Effect.gen(function* () {
        const fake = yield* FakeLlmServer
        fake.enqueue(textReply("Still fine."))
        const { message, logged } = yield* askAndWait("q")
        expect(message.status).toBe("complete")
        expect(logged).toBe("Still fine.")
      })
    )
  }
)
