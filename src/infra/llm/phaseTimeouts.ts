import { Channel, Chunk, Duration, Effect, Stream } from "effect"
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
 * Bounds the wait for each element: `first` for the first one, `idle` for every later gap. Only
 * time spent waiting on `stream` counts, not time the consumer takes. Applied to parsed events, so
 * SSE comments (`: ping`) are not progress; empty chunks are pulled through under the same deadline.
 *
 * One watchdog fiber checks the deadline (one wake per limit period) instead of racing a timer
 * against every read, which cost far more than the read. When a wait runs out it calls `abort`,
 * which must end the pending read (closing the request does), and the stream fails with the timeout.
 */
export const withPhaseTimeouts = <A, E, R>(
  stream: Stream.Stream<A, E, R>,
  options: {
    readonly first: Duration.Duration
    readonly idle: Duration.Duration
    readonly url: string
    readonly firstLimit: Duration.Duration
    readonly abort: Effect.Effect<void>
  }
): Stream.Stream<A, E | LlmTimeout, R> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const clock = yield* Effect.clock
    let started = false
    /** When the pending wait began; null while the consumer has the last chunk. */
    let waitingSince: number | null = null
    let expired: LlmTimeout | null = null

    const watchdog: Effect.Effect<void> = Effect.suspend(() => {
      const limit = Duration.toMillis(started ? options.idle : options.first)
      const since = waitingSince
      const now = clock.unsafeCurrentTimeMillis()
      if (since !== null && now - since >= limit) {
        expired = started ? idleTimeout(options.url, options.idle) : firstByteTimeout(options.url, options.firstLimit)
        return options.abort
      }
      return Effect.zipRight(Effect.sleep(Duration.millis(since === null ? limit : since + limit - now)), watchdog)
    })
    yield* Effect.forkScoped(watchdog)

    // a channel, not a pull loop: it costs per read next to nothing beyond the read itself
    const read: Channel.Channel<Chunk.Chunk<A>, Chunk.Chunk<A>, E | LlmTimeout, E, unknown, unknown> = Channel.suspend(() => {
      // an empty chunk keeps the wait going under the same deadline
      waitingSince ??= clock.unsafeCurrentTimeMillis()
      return Channel.readWith({
        onInput: (chunk: Chunk.Chunk<A>) => {
          if (Chunk.isEmpty(chunk)) return read
          waitingSince = null
          started = true
          return Channel.flatMap(Channel.write(chunk), () => read)
        },
        // a read ended by the watchdog's abort fails (or ends) as the timeout
        onFailure: (error: E) => Channel.fail(expired ?? error),
        onDone: () => (expired !== null ? Channel.fail(expired) : Channel.void)
      })
    })
    return Stream.pipeThroughChannel(stream, read)
  }))
