import { Schema } from "effect"

/** GET /api/llm/status: here (not beside its HttpApi group) so the browser can import it without the platform. */
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
