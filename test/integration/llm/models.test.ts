import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { LlmClient } from "../../../src/infra/llm/LlmClient.ts"
import { FakeLlmServer, fakeLlmLayer } from "../../support/fakeLlm/index.ts"
import { clientLayer } from "./support.ts"

const withClient = <A, E>(url: string, f: (llm: LlmClient["Type"]) => Effect.Effect<A, E>, settings: Record<string, string> = {}) =>
  Effect.flatMap(LlmClient, f).pipe(Effect.provide(clientLayer(url, settings)))

const propsHits = (paths: ReadonlyArray<{ readonly path: string }>, path: string) => paths.filter((r) => r.path === path).length

layer(fakeLlmLayer, { excludeTestServices: true })("LlmClient: models and context size", (it) => {
  it.effect("contextSize reads n_ctx from /props (llama-server) and caches it", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.setProps(16384)
      const sizes = yield* withClient(fake.url, (llm) =>
        Effect.all([llm.contextSize(null), llm.contextSize(null), llm.contextSize("fake-model"), llm.contextSize("fake-model")]))
      expect(sizes).toEqual([16384, 16384, 16384, 16384])
      expect(propsHits(fake.allRequests, "/props")).toBe(2)
      expect(propsHits(fake.allRequests, "/upstream/fake-model/props")).toBe(1)
    }))

  it.effect("contextSize prefers llama-swap's /upstream/{model}/props", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.setProps(null)
      fake.setUpstreamProps("qwen/coder:32b", 32768)
      fake.setUpstreamProps("small", 4096)
      const sizes = yield* withClient(fake.url, (llm) => Effect.all([llm.contextSize("qwen/coder:32b"), llm.contextSize("small")]))
      expect(sizes).toEqual([32768, 4096])
      expect(fake.allRequests.map((r) => r.path)).toContain("/upstream/qwen%2Fcoder%3A32b/props")
    }))

  it.effect("contextSize is null when no props endpoint answers, and when the server is down", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.setProps(null)
      expect(yield* withClient(fake.url, (llm) => llm.contextSize("unknown"))).toBeNull()
      expect(yield* withClient("http://127.0.0.1:1", (llm) => llm.contextSize(null))).toBeNull()
    }))

  it.effect("listModels: ids with ctx_max from /props on a single-model server", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.setProps(8192)
      fake.setModels([{ id: "llama-3", owned_by: "llamacpp", meta: { n_ctx_train: 131072 } }])
      expect(yield* withClient(fake.url, (llm) => llm.listModels)).toEqual([{ id: "llama-3", ctx_max: 8192 }])
    }))

  it.effect("listModels through llama-swap does not load models: listed fields or already-known sizes", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.setProps(null)
      fake.setUpstreamProps("a", 4096)
      fake.setModels([
        { id: "a", owned_by: "llama-swap" },
        { id: "b", owned_by: "llama-swap" },
        { id: "c", owned_by: "vllm", max_model_len: 2048 },
        { id: "d", owned_by: "ollama", context_length: 1024 }
      ])
      const models = yield* withClient(fake.url, (llm) => Effect.zipRight(llm.contextSize("a"), llm.listModels))
      expect(models).toEqual([
        { id: "a", ctx_max: 4096 },
        { id: "b", ctx_max: null },
        { id: "c", ctx_max: 2048 },
        { id: "d", ctx_max: 1024 }
      ])
      expect(propsHits(fake.allRequests, "/upstream/b/props")).toBe(0)
    }))

  it.effect("listModels sends the bearer token and fails with LlmUnreachable when the server is down", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      yield* withClient(fake.url, (llm) => llm.listModels, { LLM_API_KEY: "k1" })
      expect(fake.allRequests.find((r) => r.path === "/v1/models")?.headers.authorization).toBe("Bearer k1")
      const error = yield* Effect.flip(withClient("http://127.0.0.1:1", (llm) => llm.listModels))
      expect(error._tag).toBe("LlmUnreachable")
      expect(error.message).toContain("http://127.0.0.1:1/v1/models")
    }))

  it.effect("baseUrl is normalised (trailing slash and /v1 removed)", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      expect(yield* withClient(`${fake.url}/v1/`, (llm) => Effect.succeed(llm.baseUrl))).toBe(fake.url)
    }))
})
