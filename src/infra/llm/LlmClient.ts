import { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import Undici from "@effect/platform-node/Undici"
import { Context, Duration, Effect, Layer, type ConfigError, type Stream } from "effect"
import type { ChatRequest } from "./ChatRequest.ts"
import { makeContextSizes } from "./contextSize.ts"
import { LlmConfig } from "./LlmConfig.ts"
import type { LlmError } from "./LlmError.ts"
import type { LlmEvent } from "./LlmEvent.ts"
import { makeListModels, type ModelInfo } from "./listModels.ts"
import { makeStreamChat } from "./streamChat.ts"

/** A client for an OpenAI-compatible Chat Completions server (llama-swap, llama-server, Ollama, vLLM...). */
export class LlmClient extends Context.Tag("LlmClient")<LlmClient, {
  /** Streams one completion; interrupting the consumer aborts the HTTP request. */
  readonly streamChat: (req: ChatRequest) => Stream.Stream<LlmEvent, LlmError>
  readonly listModels: Effect.Effect<ReadonlyArray<ModelInfo>, LlmError>
  /** The model's context size in tokens, cached per model; null when unknown. Never fails. */
  readonly contextSize: (model: string | null) => Effect.Effect<number | null>
  readonly baseUrl: string
}>() {
  /** Reads LLM_* settings; needs an HttpClient (see LlmClientLive for the Node one). */
  static readonly layer: Layer.Layer<LlmClient, ConfigError.ConfigError, HttpClient.HttpClient> = Layer.effect(
    LlmClient,
    Effect.gen(function*() {
      const config = yield* LlmConfig
      const client = yield* HttpClient.HttpClient
      const sizes = yield* makeContextSizes(client, config)
      return {
        streamChat: makeStreamChat(client, config),
        listModels: makeListModels(client, config, sizes),
        contextSize: sizes.get,
        baseUrl: config.baseUrl
      }
    })
  )
}

/** undici with LLM_CONNECT_TIMEOUT_MS as its TCP connect limit; destroyed with the layer. */
const dispatcherLayer = Layer.scoped(
  NodeHttpClient.Dispatcher,
  Effect.gen(function*() {
    const config = yield* LlmConfig
    return yield* Effect.acquireRelease(
      Effect.sync(() => new Undici.Agent({ connect: { timeout: Duration.toMillis(config.connectTimeout) } })),
      (agent) => Effect.promise(() => agent.destroy())
    )
  })
)

/** LlmClient over undici (aborts the request when the consumer is interrupted). */
export const LlmClientLive: Layer.Layer<LlmClient, ConfigError.ConfigError> = LlmClient.layer.pipe(
  Layer.provide(NodeHttpClient.layerUndiciWithoutDispatcher),
  Layer.provide(dispatcherLayer)
)
