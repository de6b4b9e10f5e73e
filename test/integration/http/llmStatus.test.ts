import { expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { freePort } from "../../../src/infra/net/freePort.ts"
import type { FakeLlm } from "../../support/fakeLlm/index.ts"
import { type TestApp, TestAppServer, testAppLayer } from "../../support/testApp.ts"
import { call } from "./client.ts"

const withApp = (name: string, f: (app: TestApp) => Promise<void>) =>
  [name, () => Effect.flatMap(TestAppServer, (app) => Effect.promise(() => f(app)))] as const

/** GET /api/llm/status, and the paths the app asked the LLM server for while answering it. */
const status = async (app: TestApp) => {
  app.fakeLlm.allRequests.length = 0
  const answer = await call(app.url, "GET", "/api/llm/status")
  expect(answer.status).toBe(200)
  return { body: answer.json, asked: app.fakeLlm.allRequests.map((r) => `${r.method} ${r.path}`) }
}

const fresh = (fake: FakeLlm) => fake.reset()

layer(testAppLayer(), { excludeTestServices: true })("GET /api/llm/status", (it) => {
  it.effect(...withApp("llama-swap: its models, and the loaded one from /running", async (app) => {
    fresh(app.fakeLlm)
    app.fakeLlm.setModels([{ id: "qwen-coder", owned_by: "llama-swap" }, { id: "gemma", owned_by: "llama-swap" }])
    app.fakeLlm.setRoute("/running", { status: 200, body: { running: [{ model: "qwen-coder", state: "ready" }] } })
    const { body, asked } = await status(app)
    expect(body).toEqual({
      url: app.fakeLlm.url,
      reachable: true,
      loading: false,
      models: ["qwen-coder", "gemma"],
      loaded: ["qwen-coder"],
      error: null
    })
    expect(asked).toEqual(["GET /v1/models", "GET /running"])
    const spec = await call(app.url, "GET", "/api/openapi.json")
    expect(Object.keys(Object(Reflect.get(Object(spec.json), "paths")))).toContain("/api/llm/status")

    app.fakeLlm.setRoute("/running", { status: 200, body: { running: [{ model: "gemma", state: "starting" }] } })
    const starting = await status(app)
    expect(starting.body).toMatchObject({ reachable: true, loading: true, loaded: [] })
  }))

  it.effect(...withApp("llama-server: one model, loaded once /health says ok, loading while it answers 503", async (app) => {
    fresh(app.fakeLlm)
    app.fakeLlm.setModels([{ id: "model.gguf", owned_by: "llamacpp" }])
    app.fakeLlm.setRoute("/health", { status: 200, body: { status: "ok" } })
    const ready = await status(app)
    expect(ready.body).toMatchObject({ reachable: true, loading: false, models: ["model.gguf"], loaded: ["model.gguf"], error: null })
    expect(ready.asked).toEqual(["GET /v1/models", "GET /health"])

    app.fakeLlm.setRoute("/health", { status: 503, body: { error: { code: 503, message: "Loading model", type: "unavailable_error" } } })
    expect((await status(app)).body).toMatchObject({ reachable: true, loading: true, loaded: [] })

    // older llama-server refuses its model list too while it loads
    app.fakeLlm.setRoute("/v1/models", { status: 503, body: { error: { code: 503, message: "Loading model", type: "unavailable_error" } } })
    const listRefused = await status(app)
    expect(listRefused.body).toMatchObject({ reachable: true, loading: true, models: [], error: null })
    expect(listRefused.asked).toEqual(["GET /v1/models"])
  }))

  it.effect(...withApp("llama-server's router mode says per model; Ollama says through /api/ps; others do not say", async (app) => {
    fresh(app.fakeLlm)
    app.fakeLlm.setModels([
      { id: "a", owned_by: "llamacpp", status: { value: "loaded" } },
      { id: "b", owned_by: "llamacpp", status: { value: "loading" } },
      { id: "c", owned_by: "llamacpp", status: { value: "unloaded" } }
    ])
    const router = await status(app)
    expect(router.body).toMatchObject({ reachable: true, loading: true, models: ["a", "b", "c"], loaded: ["a"] })
    expect(router.asked).toEqual(["GET /v1/models"])

    app.fakeLlm.setModels([{ id: "llama3:8b", owned_by: "library" }, { id: "qwen3:4b", owned_by: "library" }])
    app.fakeLlm.setRoute("/api/ps", { status: 200, body: { models: [{ name: "qwen3:4b", model: "qwen3:4b", size: 1 }] } })
    expect((await status(app)).body).toMatchObject({ reachable: true, loaded: ["qwen3:4b"] })

    app.fakeLlm.setRoute("/api/ps", null)
    const unknown = await status(app)
    expect(unknown.body).toMatchObject({ reachable: true, loading: false, loaded: null, error: null })
    expect(unknown.asked).toEqual(["GET /v1/models", "GET /api/ps"])
  }))

  it.effect(...withApp("a server answering 500 or garbage is not reachable, and says why", async (app) => {
    fresh(app.fakeLlm)
    app.fakeLlm.setRoute("/v1/models", { status: 500, body: { error: { message: "CUDA error: out of memory" } } })
    expect((await status(app)).body).toEqual({
      url: app.fakeLlm.url,
      reachable: false,
      loading: false,
      models: [],
      loaded: null,
      error: `${app.fakeLlm.url} answered HTTP 500: CUDA error: out of memory`
    })

    app.fakeLlm.setRoute("/v1/models", { status: 200, body: "<html><body>It works!</body></html>", contentType: "text/html" })
    expect((await status(app)).body).toMatchObject({
      reachable: false,
      error: `${app.fakeLlm.url} answered, but not with a model list (is it an OpenAI-compatible server?)`
    })

    app.fakeLlm.setRoute("/v1/models", { status: 200, body: { data: "nope" } })
    expect((await status(app)).body).toMatchObject({ reachable: false })
  }))

  it.effect(...withApp("a server that does not answer is given up after the status timeout", async (app) => {
    fresh(app.fakeLlm)
    app.fakeLlm.setRoute("/v1/models", { status: 200, body: { data: [] }, delayMs: 10_000 })
    const started = Date.now()
    const { body } = await status(app)
    expect(body).toMatchObject({ reachable: false, error: `${app.fakeLlm.url} did not answer within 3 s` })
    expect(Date.now() - started).toBeLessThan(9_000)
  }))
})

/** An app whose LLM_BASE_URL is a loopback port nobody listens on. */
const appWithoutLlm = Layer.unwrapEffect(
  Effect.map(freePort, (port) => testAppLayer({ env: { LLM_BASE_URL: `http://127.0.0.1:${port}` } }))
)

layer(appWithoutLlm, { excludeTestServices: true })("GET /api/llm/status with nothing listening", (it) => {
  it.effect(...withApp("reachable false, with the refused connection in plain words", async (app) => {
    const answer = await call(app.url, "GET", "/api/llm/status")
    expect(answer.status).toBe(200)
    const body = answer.json as { url: string }
    expect(body.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(answer.json).toEqual({
      url: body.url,
      reachable: false,
      loading: false,
      models: [],
      loaded: null,
      error: `could not connect to ${body.url}: connection refused — is the LLM server running?`
    })
  }))
})
