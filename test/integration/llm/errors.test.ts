import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { createServer } from "node:net"
import {
  contextOverflow400,
  errorBody200,
  errorMidStream,
  FakeLlmServer,
  fakeLlmLayer,
  loading503,
  resetMidStream,
  textReply
} from "../../support/fakeLlm/index.ts"
import { collect, textOf } from "./support.ts"

/** A URL on 127.0.0.1 where nothing listens. */
const closedPortUrl = Effect.promise(() =>
  new Promise<string>((resolve, reject) => {
    const server = createServer()
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      if (address === null || typeof address === "string") return reject(new Error("no port"))
      server.close(() => resolve(`http://127.0.0.1:${address.port}`))
    })
  })
)

layer(fakeLlmLayer, { excludeTestServices: true })("LlmClient.streamChat: failures", (it) => {
  it.effect("an error object inside the stream fails with LlmStreamError", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(errorMidStream("partial ", "slot unavailable"))
      const error = yield* Effect.flip(collect(fake))
      expect(error._tag).toBe("LlmStreamError")
      expect(error.message).toContain("slot unavailable")
    }))

  it.effect("an error JSON as the body of a 200 fails with LlmStreamError", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(errorBody200("model crashed"))
      const error = yield* Effect.flip(collect(fake))
      expect(error._tag).toBe("LlmStreamError")
      expect(error.message).toContain("model crashed")
    }))

  it.effect("HTTP 400 exceed_context_size_error fails with LlmContextOverflow naming n_ctx", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(contextOverflow400(4096, 5000))
      const error = yield* Effect.flip(collect(fake))
      expect(error._tag).toBe("LlmContextOverflow")
      expect(error.message).toContain("no longer fits the model's context (n_ctx=4096")
      expect(error.message).toContain("start a new session")
    }))

  it.effect("vLLM-style 400 about the maximum context length is an overflow too", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue({
        status: 400,
        body: JSON.stringify({ object: "error", message: "This model's maximum context length is 2048 tokens. However, you requested 3000 tokens", type: "BadRequestError", code: 400 }),
        steps: []
      })
      expect((yield* Effect.flip(collect(fake)))._tag).toBe("LlmContextOverflow")
    }))

  it.effect("other statuses fail with LlmHttpError carrying the status and the server's message", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue({ status: 404, body: JSON.stringify({ error: { message: "model 'nope' not found" } }), steps: [] })
      const error = yield* Effect.flip(collect(fake))
      expect(error).toMatchObject({ _tag: "LlmHttpError", status: 404 })
      expect(error.message).toContain("model 'nope' not found")
    }))

  it.effect("503 Loading model is retried, then the answer streams", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(loading503(), loading503(), textReply("loaded now"))
      const events = yield* collect(fake, undefined, { LLM_LOADING_BACKOFF_MS: "20" })
      expect(textOf(events)).toBe("loaded now")
      expect(fake.requests.length).toBe(3)
    }))

  it.effect("503 Loading model after every retry fails with LlmModelLoading", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(loading503(), loading503(), loading503(), loading503())
      const error = yield* Effect.flip(collect(fake, undefined, { LLM_LOADING_BACKOFF_MS: "10", LLM_LOADING_RETRIES: "2" }))
      expect(error._tag).toBe("LlmModelLoading")
      expect(error.message).toContain("still loading the model")
      expect(fake.requests.length).toBe(3)
    }))

  it.effect("a closed port fails with LlmUnreachable naming the URL", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      const url = yield* closedPortUrl
      const error = yield* Effect.flip(collect({ ...fake, url }))
      expect(error._tag).toBe("LlmUnreachable")
      expect(error.message).toBe(`could not connect to ${url}/v1/chat/completions: connection refused — is the LLM server running?`)
    }))

  it.effect("a connection reset mid-stream fails with LlmStreamError", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(resetMidStream("half an ans"))
      const error = yield* Effect.flip(collect(fake))
      expect(error._tag).toBe("LlmStreamError")
      expect(error.message).toContain("broke mid-answer")
    }))

  it.effect("a stream that ends without [DONE] or a finish reason fails with LlmStreamError", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue({ steps: [{ chunk: { choices: [{ index: 0, delta: { content: "cut" } }] } }] })
      const error = yield* Effect.flip(collect(fake))
      expect(error._tag).toBe("LlmStreamError")
      expect(error.message).toContain("closed the stream before the answer was finished")
    }))
})
