import { HttpClient, HttpClientRequest } from "@effect/platform"
import { type ConfigError, Context, Duration, Effect, Either, Layer, Schema } from "effect"
import { causeCode, describeBody, isLoading, unreachable } from "./classifyError.ts"
import { authorized } from "./contextSize.ts"
import { LlmConfig } from "./LlmConfig.ts"

/** What GET /api/llm/status tells the user before they send anything. */
export interface LlmStatus {
  /** The LLM server BooCode talks to (LLM_BASE_URL). */
  readonly url: string
  /** It answered its model list (or said it is loading one). False when nothing answers, or the answer is unusable. */
  readonly reachable: boolean
  /** The server says it is loading a model right now. */
  readonly loading: boolean
  /** Every model the server offers. */
  readonly models: ReadonlyArray<string>
  /** The models loaded right now; null when the server does not say. */
  readonly loaded: ReadonlyArray<string> | null
  /** Why it is not reachable, in plain words; null when it is. */
  readonly error: string | null
}

/** Each probe is one short request: a status must never keep the page waiting. */
export const STATUS_TIMEOUT = Duration.seconds(3)

const Listed = Schema.Struct({
  data: Schema.Array(Schema.Struct({
    id: Schema.String,
    owned_by: Schema.optional(Schema.NullOr(Schema.String)),
    /** llama-server's router mode: {"value": "loaded" | "loading" | "unloaded"}. */
    status: Schema.optional(Schema.NullOr(Schema.Struct({ value: Schema.optional(Schema.String) })))
  }))
})
type Listed = typeof Listed.Type

/** llama-swap: {"running": [{"model": "...", "state": "ready" | "starting" | ...}]}. */
const Running = Schema.Struct({
  running: Schema.Array(Schema.Struct({ model: Schema.String, state: Schema.optional(Schema.String) }))
})

/** Ollama: {"models": [{"name": "...", "model": "..."}]}. */
const OllamaPs = Schema.Struct({
  models: Schema.Array(Schema.Struct({ name: Schema.optional(Schema.String), model: Schema.optional(Schema.String) }))
})

const decodeListed = Schema.decodeUnknownEither(Schema.parseJson(Listed))
const decodeRunning = Schema.decodeUnknownEither(Schema.parseJson(Running))
const decodeOllamaPs = Schema.decodeUnknownEither(Schema.parseJson(OllamaPs))

type Answer = { readonly status: number; readonly body: string }
type Failure = { readonly _tag: "Timeout" } | { readonly _tag: "Transport"; readonly cause: unknown }

const seconds = (d: Duration.Duration) => Math.round(Duration.toSeconds(d) * 10) / 10

/** The loaded models (and whether one is loading) as the server itself tells. */
interface Loaded {
  readonly loaded: ReadonlyArray<string> | null
  readonly loading: boolean
}
const unknownLoaded: Loaded = { loaded: null, loading: false }

export const makeLlmStatus = (client: HttpClient.HttpClient, config: LlmConfig, timeout: Duration.Duration = STATUS_TIMEOUT) => {
  const base = config.baseUrl

  const get = (path: string): Effect.Effect<Answer, Failure> =>
    client.execute(authorized(config)(HttpClientRequest.get(`${base}${path}`))).pipe(
      Effect.flatMap((response) => Effect.map(response.text, (body) => ({ status: response.status, body }))),
      Effect.scoped,
      Effect.mapError((error): Failure => ({ _tag: "Transport", cause: error.cause })),
      Effect.timeoutFail({ duration: timeout, onTimeout: (): Failure => ({ _tag: "Timeout" }) })
    )

  const down = (error: string): LlmStatus => ({ url: base, reachable: false, loading: false, models: [], loaded: null, error })

  const failed = (failure: Failure): LlmStatus => {
    if (failure._tag === "Timeout") return down(`${base} did not answer within ${seconds(timeout)} s`)
    if (causeCode(failure.cause).code === "UND_ERR_CONNECT_TIMEOUT") return down(`${base} did not accept a connection in time`)
    return down(unreachable(base, failure.cause).message)
  }

  /** A second request only where the server has a cheap way to say what is loaded. */
  const loadedOf = (list: Listed): Effect.Effect<Loaded> => {
    const ids = list.data.map((m) => m.id)
    const withStatus = list.data.filter((m) => m.status?.value != null)
    if (withStatus.length > 0) {
      return Effect.succeed({
        loaded: withStatus.filter((m) => m.status?.value === "loaded").map((m) => m.id),
        loading: withStatus.some((m) => m.status?.value === "loading")
      })
    }
    const owners = new Set(list.data.map((m) => m.owned_by ?? ""))
    if (owners.has("vllm")) return Effect.succeed({ loaded: ids, loading: false })
    const probe = owners.has("llama-swap")
      ? Effect.map(get("/running"), ({ status, body }): Loaded => {
        if (status !== 200) return unknownLoaded
        return Either.match(decodeRunning(body), {
          onLeft: () => unknownLoaded,
          onRight: ({ running }) => ({
            loaded: running.filter((r) => r.state === undefined || r.state === "ready").map((r) => r.model),
            loading: running.some((r) => r.state === "starting")
          })
        })
      })
      : owners.has("llamacpp")
      ? Effect.map(get("/health"), ({ status, body }): Loaded =>
        status === 200
          ? { loaded: ids, loading: false }
          : isLoading(status, body)
          ? { loaded: [], loading: true }
          : unknownLoaded
      )
      : Effect.map(get("/api/ps"), ({ status, body }): Loaded => {
        if (status !== 200) return unknownLoaded
        return Either.match(decodeOllamaPs(body), {
          onLeft: () => unknownLoaded,
          onRight: ({ models }) => ({ loaded: models.flatMap((m) => m.model ?? m.name ?? []), loading: false })
        })
      })
    return Effect.orElseSucceed(probe, () => unknownLoaded)
  }

  /** GET /v1/models, then at most one request that says what is loaded. Never fails. */
  const status: Effect.Effect<LlmStatus> = Effect.gen(function*() {
    const answer = yield* Effect.either(get("/v1/models"))
    if (Either.isLeft(answer)) return failed(answer.left)
    const { status, body } = answer.right
    if (isLoading(status, body)) {
      return { url: base, reachable: true, loading: true, models: [], loaded: [], error: null }
    }
    if (status < 200 || status >= 300) return down(`${base} answered HTTP ${status}: ${describeBody(body)}`)
    const list = decodeListed(body)
    if (Either.isLeft(list)) {
      return down(`${base} answered, but not with a model list (is it an OpenAI-compatible server?)`)
    }
    const { loaded, loading } = yield* loadedOf(list.right)
    return { url: base, reachable: true, loading, models: list.right.data.map((m) => m.id), loaded, error: null }
  }).pipe(Effect.withSpan("LlmStatus.check"))

  return status
}

/** Asks the LLM server (LLM_BASE_URL) whether it is there; needs an HttpClient. */
export class LlmStatusCheck extends Context.Tag("LlmStatusCheck")<LlmStatusCheck, {
  readonly check: Effect.Effect<LlmStatus>
}>() {
  static readonly layer: Layer.Layer<LlmStatusCheck, ConfigError.ConfigError, HttpClient.HttpClient> = Layer.effect(
    LlmStatusCheck,
    Effect.gen(function*() {
      const config = yield* LlmConfig
      const client = yield* HttpClient.HttpClient
      return { check: makeLlmStatus(client, config) }
    })
  )
}
