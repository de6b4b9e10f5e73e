import { Chunk, Duration, Effect, Option, Ref, Stream } from "effect"
import { LlmTimeout } from "./LlmError.ts"

const seconds = (d: Duration.Duration) => Math.round(Duration.toMillis(d) / 100) / 10

const NOT_PROGRESS = "keep-alive comments such as `: ping` do not count"

export const firstByteTimeout = (url: string, limit: Duration.Duration) =>
  new LlmTimeout({
    phase: "first_byte",
    seconds: seconds(limit),
    message: `the LLM server at ${url} sent no answer data for ${seconds(limit)} s after the request ` +
      `(LLM_FIRST_BYTE_TIMEOUT_MS; ${NOT_PROGRESS}); the model may still be loading or the prompt is very long`
  })

export const idleTimeout = (url: string, limit: Duration.Duration) =>
  new LlmTimeout({
    phase: "idle",
    seconds: seconds(limit),
    message: `the LLM server at ${url} stopped sending for ${seconds(limit)} s in the middle of the answer ` +
      `(LLM_IDLE_TIMEOUT_MS; ${NOT_PROGRESS})`
  })

export const connectTimeout = (url: string, limit: Duration.Duration) =>
  new LlmTimeout({
    phase: "connect",
    seconds: seconds(limit),
    message: `could not connect to ${url} within ${seconds(limit)} s (LLM_CONNECT_TIMEOUT_MS) — is the LLM server reachable?`
  })

/**
 * Bounds the wait for each element: `first` for the first one, `idle` for every later gap.
 * Applied to parsed events, so SSE comments (`: ping`) are not progress; empty chunks are pulled
 * through under the same deadline.
 */
export const withPhaseTimeouts = <A, E, R>(
  stream: Stream.Stream<A, E, R>,
  options: { readonly first: Duration.Duration; readonly idle: Duration.Duration; readonly url: string; readonly firstLimit: Duration.Duration }
): Stream.Stream<A, E | LlmTimeout, R> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const pull = yield* Stream.toPull(stream)
    const nonEmpty: typeof pull = Effect.flatMap(pull, (chunk) => (Chunk.isEmpty(chunk) ? nonEmpty : Effect.succeed(chunk)))
    const started = yield* Ref.make(false)
    const next = Effect.gen(function*() {
      const isStarted = yield* Ref.get(started)
      const chunk = yield* nonEmpty.pipe(
        Effect.timeoutFail({
          duration: isStarted ? options.idle : options.first,
          onTimeout: () =>
            Option.some<E | LlmTimeout>(
              isStarted ? idleTimeout(options.url, options.idle) : firstByteTimeout(options.url, options.firstLimit)
            )
        })
      )
      yield* Ref.set(started, true)
      return chunk
    })
    return Stream.repeatEffectChunkOption(next)
  }))
