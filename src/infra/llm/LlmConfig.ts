import { Config, Duration, Option, Redacted } from "effect"

export interface LlmConfig {
  /** Without a trailing slash, e.g. "http://127.0.0.1:8080". */
  readonly baseUrl: string
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
  readonly connectTimeout: Duration.Duration
  readonly firstByteTimeout: Duration.Duration
  readonly idleTimeout: Duration.Duration
  /** Retries while the server answers 503 or 429 (loading a model, busy, swapping). */
  readonly loadingRetries: number
  /** First wait between those retries when the server sends no Retry-After; doubles each time, capped at 10 s. */
  readonly loadingBackoff: Duration.Duration
}

const millis = (name: string, fallback: number) =>
  Config.integer(name).pipe(
    Config.validate({ message: `${name} must be a positive number of milliseconds`, validation: (n) => n > 0 }),
    Config.withDefault(fallback),
    Config.map(Duration.millis)
  )

export const LlmConfig: Config.Config<LlmConfig> = Config.all({
  baseUrl: Config.string("LLM_BASE_URL").pipe(
    Config.withDefault("http://127.0.0.1:8080"),
    Config.map((url) => url.trim().replace(/\/+$/, "").replace(/\/v1$/, ""))
  ),
  apiKey: Config.option(Config.redacted("LLM_API_KEY")).pipe(
    Config.map(Option.filter((key) => Redacted.value(key).trim() !== ""))
  ),
  connectTimeout: millis("LLM_CONNECT_TIMEOUT_MS", 10_000),
  firstByteTimeout: millis("LLM_FIRST_BYTE_TIMEOUT_MS", 120_000),
  idleTimeout: millis("LLM_IDLE_TIMEOUT_MS", 60_000),
  loadingRetries: Config.integer("LLM_LOADING_RETRIES").pipe(
    Config.validate({ message: "LLM_LOADING_RETRIES must be 0 or more", validation: (n) => n >= 0 }),
    Config.withDefault(5)
  ),
  loadingBackoff: millis("LLM_LOADING_BACKOFF_MS", 1_000)
})
