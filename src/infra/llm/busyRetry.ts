import { Clock, Data, Duration, Effect, Option } from "effect"
import { describeBody, isLoading } from "./classifyError.ts"
import type { LlmConfig } from "./LlmConfig.ts"
import { LlmHttpError, LlmModelLoading } from "./LlmError.ts"

/** The server said "not now": 503 (loading, overloaded, llama-swap swapping) or 429 (busy). */
export class UpstreamBusy extends Data.TaggedError("UpstreamBusy")<{
  readonly status: number
  readonly body: string
  readonly retryAfter: Option.Option<Duration.Duration>
}> {}

export const isBusyStatus = (status: number): boolean => status === 503 || status === 429

/** A server's Retry-After is honoured, but never for longer than this per retry. */
export const MAX_RETRY_AFTER = Duration.seconds(30)
/** Without Retry-After the wait doubles from LLM_LOADING_BACKOFF_MS up to this. */
const MAX_BACKOFF = Duration.seconds(10)

/** Retry-After as delay-seconds or an HTTP-date (RFC 9110); None when absent or unreadable. */
export const parseRetryAfter = (value: string | undefined, nowMillis: number): Option.Option<Duration.Duration> => {
  const text = value?.trim() ?? ""
  if (text === "") return Option.none()
  if (/^\d+$/.test(text)) return Option.some(Duration.seconds(Number(text)))
  const at = Date.parse(text)
  return Number.isNaN(at) ? Option.none() : Option.some(Duration.millis(Math.max(0, at - nowMillis)))
}

/** The wait before retry number `retry` (0-based). */
export const retryDelay = (config: LlmConfig, retry: number, retryAfter: Option.Option<Duration.Duration>): Duration.Duration =>
  Option.match(retryAfter, {
    onNone: () => Duration.min(Duration.times(config.loadingBackoff, 2 ** retry), MAX_BACKOFF),
    onSome: (wait) => Duration.min(wait, MAX_RETRY_AFTER)
  })

export const busyFromResponse = (status: number, body: string, retryAfterHeader: string | undefined) =>
  Effect.map(Clock.currentTimeMillis, (now) => new UpstreamBusy({ status, body, retryAfter: parseRetryAfter(retryAfterHeader, now) }))

/** What to tell the user once the retries are spent. */
const givenUp = (url: string, config: LlmConfig, busy: UpstreamBusy): LlmModelLoading | LlmHttpError => {
  const said = describeBody(busy.body)
  const retries = `${config.loadingRetries} ${config.loadingRetries === 1 ? "retry" : "retries"}`
  return isLoading(busy.status, busy.body)
    ? new LlmModelLoading({
      message: `the LLM server at ${url} is still loading the model after ${retries}; ` +
        `try again in a moment. Server said: ${said}`
    })
    : new LlmHttpError({
      status: busy.status,
      message: `the LLM server at ${url} was busy (HTTP ${busy.status}) and still was after ${retries} ` +
        `(LLM_LOADING_RETRIES); try again in a moment. Server said: ${said}`
    })
}

/**
 * Runs `attempt` again while the server is busy, at most LLM_LOADING_RETRIES times, waiting as
 * long as its Retry-After says (capped) or else with a doubling backoff.
 */
export const retryWhileBusy = <A, E, R>(
  attempt: Effect.Effect<A, E | UpstreamBusy, R>,
  url: string,
  config: LlmConfig
): Effect.Effect<A, E | LlmModelLoading | LlmHttpError, R> => {
  const run = (retry: number): Effect.Effect<A, E | LlmModelLoading | LlmHttpError, R> =>
    Effect.catchIf(attempt, (e): e is UpstreamBusy => e instanceof UpstreamBusy, (busy) => {
      if (retry >= config.loadingRetries) return Effect.fail(givenUp(url, config, busy))
      const wait = retryDelay(config, retry, busy.retryAfter)
      return Effect.logInfo("LlmClient.streamChat: the LLM server is busy; retrying").pipe(
        Effect.annotateLogs({ status: busy.status, retry: retry + 1, waitMs: Duration.toMillis(wait) }),
        Effect.zipRight(Effect.sleep(wait)),
        Effect.zipRight(run(retry + 1))
      )
    })
  return run(0)
}
