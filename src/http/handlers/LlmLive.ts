import { HttpApiBuilder } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { LlmStatusCheck } from "../../infra/llm/llmStatus.ts"
import { Api } from "../api/Api.ts"

/** Asks the LLM server on every call: the answer is only useful when it is fresh. */
export const LlmLive = HttpApiBuilder.group(Api, "llm", (handlers) =>
  Effect.gen(function* () {
    const llm = yield* LlmStatusCheck
    return handlers.handle("status", () => llm.check)
  })
).pipe(Layer.provide(LlmStatusCheck.layer), Layer.provide(NodeHttpClient.layerUndici))
