import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"

export class LlmStatus extends Schema.Class<LlmStatus>("LlmStatus")({
  /** The LLM server BooCode talks to (LLM_BASE_URL). */
  url: Schema.String,
  reachable: Schema.Boolean,
  /** The server says it is loading a model right now. */
  loading: Schema.Boolean,
  models: Schema.Array(Schema.String),
  /** The models loaded right now; null when the server does not say. */
  loaded: Schema.NullOr(Schema.Array(Schema.String)),
  /** Why it is not reachable, in plain words. */
  error: Schema.NullOr(Schema.String)
}) {}

export class LlmApi extends HttpApiGroup.make("llm").add(
  HttpApiEndpoint.get("status", "/llm/status")
    .addSuccess(LlmStatus)
    .annotate(
      OpenApi.Description,
      "Whether the LLM server answers (a couple of short requests, 3 s each at most), its models, the loaded ones " +
        "where the server says (llama-swap, llama-server, vLLM, Ollama), and the error in plain words when it does not"
    )
) {}
