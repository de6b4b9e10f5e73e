import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Effect, Schema } from "effect"
import { authorized, type ContextSizes } from "./contextSize.ts"
import { httpStatusError } from "./classifyError.ts"
import type { LlmConfig } from "./LlmConfig.ts"
import { LlmStreamError } from "./LlmError.ts"
import { transportError } from "./transportError.ts"
import { ModelList } from "./wireSchemas.ts"

export interface ModelInfo {
  readonly id: string
  readonly ctx_max: number | null
}

type Listed = (typeof ModelList.Type)["data"][number]

const listedSize = (m: Listed): number | null =>
  m.context_length ?? m.max_model_len ?? m.meta?.n_ctx ?? m.meta?.n_ctx_train ?? null

/**
 * GET /v1/models. ctx_max: the running context size when it is already known, or can be asked
 * without loading a model (a single-model server such as llama-server), else what the listing itself says.
 */
export const makeListModels = (client: HttpClient.HttpClient, config: LlmConfig, sizes: ContextSizes) => {
  const url = `${config.baseUrl}/v1/models`
  return Effect.gen(function*() {
    const response = yield* client.execute(authorized(config)(HttpClientRequest.get(url))).pipe(
      Effect.mapError(transportError(url, config))
    )
    const body = yield* response.text.pipe(Effect.mapError(transportError(url, config)))
    if (response.status < 200 || response.status >= 300) return yield* httpStatusError(response.status, body)
    const list = yield* Schema.decodeUnknown(Schema.parseJson(ModelList))(body).pipe(
      Effect.mapError(() => new LlmStreamError({ message: `the LLM server at ${url} sent a model list that could not be read` }))
    )
    // asking llama-swap would load the model: only ask a server that serves one model itself
    const single = list.data.length === 1 && list.data[0].owned_by !== "llama-swap"
    return yield* Effect.forEach(list.data, (m) =>
      Effect.gen(function*() {
        const known = yield* sizes.known(m.id)
        if (known !== null) return { id: m.id, ctx_max: known }
        const asked = single ? yield* sizes.get(m.id) : null
        return { id: m.id, ctx_max: asked ?? listedSize(m) }
      }), { concurrency: 4 })
  }).pipe(Effect.scoped, Effect.withSpan("LlmClient.listModels"))
}
