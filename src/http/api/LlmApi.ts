import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { LlmStatus } from "../../contract/llmStatus.ts"
import { Guarded } from "./errors.ts"

export { LlmStatus }

export class LlmApi extends HttpApiGroup.make("llm").add(
  HttpApiEndpoint.get("status", "/llm/status")
    .addSuccess(LlmStatus)
    .annotate(
      OpenApi.Description,
      "Whether the LLM server answers (a couple of short requests, 3 s each at most), its models, the loaded ones " +
        "where the server says (llama-swap, llama-server, vLLM, Ollama), and the error in plain words when it does not"
    )
).addError(Guarded) {}
