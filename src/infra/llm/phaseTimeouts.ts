import { Duration, Effect, Option, Ref, Stream } from "effect"
import { LlmTimeout } from "./LlmError.ts"

const seconds = (d: Duration.Duration) => Math.round(Duration.toMillis(d) / 100) / 10

export const firstByteTimeout = (url: string, limit: Duration.Duration) =>
  new LlmTimeout({
    phase: "first_byte",
    seconds: seconds(limit),
    message: `the LLM server at ${url} sent nothing for ${seconds(limit)} s after the request ` +
      `(LLM_FIRST_BYTE_TIMEOUT_MS); the model may still be loading or the prompt is very long`
  })

export const idleTimeout = (url: string, limit: Duration.Duration) =>
  new LlmTimeout({
    phase: "idle",
    seconds: seconds(limit),
    message: `the LLM server at ${url} stopped sending for ${seconds(limit)} s in the middle of the answer ` +
      `(LLM_IDLE_TIMEOUT_MS)`
  })

export const connectTimeout = (url: string, limit: Duration.Duration) =>
  new LlmTimeout({
    phase: "connect",
    seconds: seconds(limit),
    message: `could not connect to ${url} within ${seconds(limit)} s (LLM_CONNECT_TIMEOUT_MS) — is the LLM server reachable?`
  })

/**
 * Bounds the wait for each chunk: `first` for the first one, `idle` for every later gap.
 * Comments such as `: ping` are bytes too, so keep-alives reset the idle clock.
 */
export const withPhaseTimeouts = <A, E, R>(
  stream: Stream.Stream<A, E, R>,
  options: { readonly first: Duration.Duration; readonly idle: Duration.Duration; readonly url: string; readonly firstLimit: Duration.Duration }
): Stream.Stream<A, E | LlmTimeout, R> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const pull = yield* Stream.toPull(stream)
    const started = yield* Ref.make(false)
    const next = Effect.gen(function*() {
      const isStarted = yield* Ref.get(started)
      const chunk = yield* pull.pipe(
        Effect.timeoutFail({
          duration: isStarted ? options.idle : options.first,
          onTimeout: () =>
            Option.some<E | LlmTimeout>(
              isStarted ? idleTimeout(options.url, options.idle) : firstByteTimeout(options.url, options.firstLimit)
            )
        })
      )
      if (chunk.length > 0) yield* Ref.set(started, true)
      return chunk
    })
    return Stream.repeatEffectChunkOption(next)
  }))
