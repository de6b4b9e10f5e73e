import * as Sse from "@effect/experimental/Sse"
import { HttpClient, HttpClientRequest, type HttpClientResponse } from "@effect/platform"
import { Clock, Duration, Effect, Either, Option, Redacted, Ref, Schedule, Stream } from "effect"
import { chatCompletionBody, type ChatRequest } from "./ChatRequest.ts"
import { httpStatusError, isLoading, parseErrorBody, streamError } from "./classifyError.ts"
import type { LlmConfig } from "./LlmConfig.ts"
import { type LlmError, LlmModelLoading, LlmStreamError, type LlmTimeout } from "./LlmError.ts"
import type { LlmEvent } from "./LlmEvent.ts"
import { firstByteTimeout, idleTimeout, withPhaseTimeouts } from "./phaseTimeouts.ts"
import { transportError } from "./transportError.ts"
import { applyChunk, finishStream, initialStreamState, type StreamState } from "./streamState.ts"
import { decodeChunk } from "./wireSchemas.ts"

/** A whole (error or JSON) body, bounded by the idle limit. */
const readBody = (response: HttpClientResponse.HttpClientResponse, url: string, config: LlmConfig) =>
  response.text.pipe(
    Effect.mapError(transportError(url, config)),
    Effect.timeoutFail({ duration: config.idleTimeout, onTimeout: (): LlmTimeout => idleTimeout(url, config.idleTimeout) })
  )

/** Turns one SSE event into deltas, folding it into the state; `[DONE]` marks the end. */
const handleEvent = (state: Ref.Ref<StreamState>, event: Sse.Event) =>
  Effect.gen(function*() {
    const data = event.data.trim()
    if (data === "[DONE]") {
      yield* Ref.update(state, (s) => ({ ...s, done: true }))
      return []
    }
    if (data === "") return []
    // Only a frame with an `error` key can be an error envelope; trying every delta as one would
    // build (and throw away) a parse error per token.
    const error = data.includes('"error"') ? parseErrorBody(data) : null
    if (error !== null) return yield* streamError(error, data)
    const frame = decodeChunk(data)
    if (Either.isLeft(frame)) {
      yield* Effect.logWarning("LlmClient.streamChat: skipped an SSE frame that did not decode").pipe(
        Effect.annotateLogs({ data: data.slice(0, 200) })
      )
      return []
    }
    return yield* Ref.modify(state, (s) => {
      const [next, events] = applyChunk(s, frame.right)
      return [events, next]
    })
  })

const closingEvents = (state: Ref.Ref<StreamState>) =>
  Ref.get(state).pipe(
    Effect.flatMap((s) => Either.mapLeft(finishStream(s), (message) => new LlmStreamError({ message })))
  )

const sseEvents = (
  response: HttpClientResponse.HttpClientResponse,
  url: string,
  config: LlmConfig,
  firstByteLeft: Duration.Duration
): Stream.Stream<Sse.Event, LlmError> =>
  withPhaseTimeouts(response.stream.pipe(Stream.mapError(transportError(url, config))), {
    first: firstByteLeft,
    idle: config.idleTimeout,
    url,
    firstLimit: config.firstByteTimeout
  }).pipe(
    Stream.decodeText(),
    // a last event not followed by a blank line is still an event
    Stream.concat(Stream.make("\n\n")),
    Stream.pipeThroughChannel(Sse.makeChannel<LlmError, unknown>())
  )

/** A 200 whose body is JSON: an error envelope, or a whole (non-streamed) completion. */
const jsonBody = (body: string): Stream.Stream<LlmEvent, LlmError> => {
  const error = parseErrorBody(body)
  if (error !== null) return Stream.fail(streamError(error, body))
  return Stream.unwrap(Effect.gen(function*() {
    const state = yield* Ref.make(initialStreamState)
    const events = yield* handleEvent(state, { _tag: "Event", event: "message", id: undefined, data: body })
    yield* Ref.update(state, (s) => ({ ...s, done: true }))
    return Stream.concat(Stream.fromIterable(events), Stream.fromIterableEffect(closingEvents(state)))
  }))
}

const loadingSchedule = (config: LlmConfig) =>
  Schedule.exponential(config.loadingBackoff, 2).pipe(
    Schedule.union(Schedule.spaced(Duration.seconds(10))),
    Schedule.intersect(Schedule.recurs(config.loadingRetries))
  )

export const makeStreamChat = (client: HttpClient.HttpClient, config: LlmConfig) => {
  const url = `${config.baseUrl}/v1/chat/completions`
  const scopedClient = HttpClient.withScope(client)

  return (req: ChatRequest): Stream.Stream<LlmEvent, LlmError> => {
    const request = HttpClientRequest.post(url).pipe(
      HttpClientRequest.setHeader("accept", "text/event-stream"),
      HttpClientRequest.bodyText(JSON.stringify(chatCompletionBody(req)), "application/json"),
      (r) => Option.match(config.apiKey, { onNone: () => r, onSome: (key) => HttpClientRequest.bearerToken(r, Redacted.value(key)) })
    )

    // one attempt: its own first-byte deadline, so "Loading model" retries are not cut short
    const attempt = Effect.gen(function*() {
      const start = yield* Clock.currentTimeMillis
      const response = yield* scopedClient.execute(request).pipe(
        Effect.mapError(transportError(url, config)),
        Effect.timeoutFail({
          duration: config.firstByteTimeout,
          onTimeout: (): LlmTimeout => firstByteTimeout(url, config.firstByteTimeout)
        })
      )
      if (response.status >= 200 && response.status < 300) return { response, start }
      const body = yield* readBody(response, url, config)
      if (isLoading(response.status, body)) {
        return yield* new LlmModelLoading({
          message: `the LLM server at ${url} is still loading the model after ${config.loadingRetries} retries; ` +
            `try again in a moment. Server said: ${parseErrorBody(body)?.message ?? body.slice(0, 200)}`
        })
      }
      return yield* httpStatusError(response.status, body)
    })

    return Stream.unwrapScoped(Effect.gen(function*() {
      const { response, start } = yield* attempt.pipe(
        Effect.retry({ schedule: loadingSchedule(config), while: (e) => e._tag === "LlmModelLoading" })
      )
      const contentType = response.headers["content-type"] ?? ""
      if (contentType.includes("json") && !contentType.includes("event-stream")) {
        return jsonBody(yield* readBody(response, url, config))
      }
      const elapsed = (yield* Clock.currentTimeMillis) - start
      const firstByteLeft = Duration.millis(Math.max(1, Duration.toMillis(config.firstByteTimeout) - elapsed))
      const state = yield* Ref.make(initialStreamState)
      return sseEvents(response, url, config, firstByteLeft).pipe(
        Stream.takeUntil((event) => event.data.trim() === "[DONE]"),
        Stream.mapConcatEffect((event) => handleEvent(state, event)),
        Stream.concat(Stream.fromIterableEffect(closingEvents(state)))
      )
    })).pipe(Stream.withSpan("LlmClient.streamChat"))
  }
}
