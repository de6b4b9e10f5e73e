import { HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { Cache, Duration, Effect, Exit, Option, Redacted } from "effect"
import type { LlmConfig } from "./LlmConfig.ts"
import { Props } from "./wireSchemas.ts"

export const authorized = (config: LlmConfig) => (request: HttpClientRequest.HttpClientRequest) =>
  Option.match(config.apiKey, {
    onNone: () => request,
    onSome: (key) => HttpClientRequest.bearerToken(request, Redacted.value(key))
  })

/** n_ctx from one llama-server style /props endpoint, or None. */
const propsAt = (client: HttpClient.HttpClient, config: LlmConfig, url: string) =>
  client.execute(authorized(config)(HttpClientRequest.get(url))).pipe(
    Effect.flatMap(HttpClientResponse.filterStatusOk),
    Effect.flatMap(HttpClientResponse.schemaBodyJson(Props)),
    Effect.map((props) => props.default_generation_settings.n_ctx),
    Effect.timeout(config.firstByteTimeout),
    Effect.scoped,
    Effect.option
  )

/**
 * Looks up a model's context size: llama-swap's /upstream/{model}/props (this loads the model
 * there), then the server's own /props (llama-server). null when neither answers.
 */
const lookup = (client: HttpClient.HttpClient, config: LlmConfig) => (model: string) =>
  Effect.gen(function*() {
    if (model !== "") {
      const upstream = yield* propsAt(client, config, `${config.baseUrl}/upstream/${encodeURIComponent(model)}/props`)
      if (Option.isSome(upstream)) return upstream.value
    }
    const own = yield* propsAt(client, config, `${config.baseUrl}/props`)
    return Option.getOrNull(own)
  }).pipe(Effect.withSpan("LlmClient.contextSize", { attributes: { model } }))

export interface ContextSizes {
  readonly get: (model: string | null) => Effect.Effect<number | null>
  /** What is already known, without asking the server. */
  readonly known: (model: string) => Effect.Effect<number | null>
}

/** Known sizes are kept for good; "unknown" is asked again after a minute. */
export const makeContextSizes = (client: HttpClient.HttpClient, config: LlmConfig) =>
  Effect.gen(function*() {
    const cache = yield* Cache.makeWith({
      capacity: 256,
      lookup: lookup(client, config),
      timeToLive: (exit) =>
        Exit.isSuccess(exit) && exit.value !== null ? Duration.infinity : Duration.minutes(1)
    })
    const sizes: ContextSizes = {
      get: (model) => cache.get(model ?? ""),
      known: (model) => cache.getOption(model).pipe(Effect.map(Option.getOrNull))
    }
    return sizes
  })
