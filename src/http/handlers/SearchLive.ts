import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { LlmClient } from "../../infra/llm/index.ts"
import { Api } from "../api/Api.ts"
import { ReadModels } from "../queries/ReadModels.ts"
import { answer } from "./failAs.ts"

export const SearchLive = HttpApiBuilder.group(Api, "search", (handlers) =>
  Effect.gen(function* () {
    const read = yield* ReadModels
    const llm = yield* LlmClient
    return handlers
      .handle("search", ({ urlParams }) => read.search(urlParams.q, Math.min(urlParams.limit ?? 50, 200)))
      .handle("models", () => answer(llm.listModels))
  })
)
