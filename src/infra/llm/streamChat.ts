import { HttpClient, HttpClientRequest, type HttpClientResponse } from "@effect/platform"
import { Clock, Duration, Effect, Either, Option, Redacted, Ref, Stream } from "effect"
import { type BodyEvent, bodyEvents } from "./bodyEvents.ts"
import { busyFromResponse, isBusyStatus, retryWhileBusy } from "./busyRetry.ts"
import { chatCompletionBody, type ChatRequest } from "./ChatRequest.ts"
import { errorEvent, httpStatusError, parseErrorBody, streamError } from "./classifyError.ts"
import type { LlmConfig } from "./LlmConfig.ts"
import { type LlmError, LlmStreamError, type LlmTimeout } from "./LlmError.ts"
import type { LlmEvent } from "./LlmEvent.ts"
import { firstByteTimeout, idleTimeout, withPhaseTimeouts } from "./phaseTimeouts.ts"
import { transportError } from "./transportError.ts"
import { applyChunk, finishStream, initialStreamState, type StreamState } from "./streamState.ts"
import { decodeChunk } from "./wireSchemas.ts"

/** A whole error body, bounded by the idle limit. */
const readBody = (response: HttpClientResponse.HttpClientResponse, url: string, config: LlmConfig) =>
  response.text.pipe(
    Effect.mapError(transportError(url, config)),
    Effect.timeoutFail({ duration: config.idleTimeout, onTimeout: (): LlmTimeout => idleTimeout(url, config.idleTimeout) })
  )

/** Folds one completion chunk (JSON text) into the state and returns its deltas. */
const handleChunk = (state: Ref.Ref<StreamState>, data: string) =>
  Effect.gen(function*() {
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
    const before = yield* Ref.get(state)
    const events = yield* Ref.modify(state, (s) => {
      const [next, events] = applyChunk(s, frame.right)
      return [events, next]
    })
    const after = yield* Ref.get(state)
    if (before.loading === "loading" && after.loading === "answer") {
      yield* Effect.logInfo("LlmClient.streamChat: llama-swap loaded the model").pipe(
        Effect.annotateLogs({ progress: after.loadingNote })
      )
    }
    return events
  })

/** Turns one body event into deltas: `[DONE]` marks the end, an `error` event fails the stream. */
const handleEvent = (state: Ref.Ref<StreamState>, event: BodyEvent) =>
  Effect.gen(function*() {
    if (event._tag === "Json") {
      const events = yield* handleChunk(state, event.body)
      yield* Ref.update(state, (s) => ({ ...s, done: true }))
      return events
    }
    if (event.event === "error") return yield* errorEvent(event.data)
    const data = event.data.trim()
    if (data === "[DONE]") {
      yield* Ref.update(state, (s) => ({ ...s, done: true }))
      return []
    }
    if (data === "") return []
    return yield* handleChunk(state, data)
  })

const closingEvents = (state: Ref.Ref<StreamState>) =>
  Ref.get(state).pipe(
    Effect.flatMap((s) => Either.mapLeft(finishStream(s), (message) => new LlmStreamError({ message })))
  )

const isDone = (event: BodyEvent) => event._tag === "Sse" && event.data.trim() === "[DONE]"

/** The body as events, each wait bounded: comments and blank bytes are not progress. */
const responseEvents = (
  response: HttpClientResponse.HttpClientResponse,
  url: string,
  config: LlmConfig,
  firstByteLeft: Duration.Duration
): Stream.Stream<BodyEvent, LlmError> =>
  withPhaseTimeouts(
    bodyEvents(response.stream.pipe(Stream.mapError(transportError(url, config)), Stream.decodeText())),
    { first: firstByteLeft, idle: config.idleTimeout, url, firstLimit: config.firstByteTimeout }
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

    // one attempt: its own first-byte deadline, so retries while the server is busy are not cut short
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
      if (isBusyStatus(response.status)) {
        return yield* Effect.flip(busyFromResponse(response.status, body, response.headers["retry-after"]))
      }
      return yield* httpStatusError(response.status, body)
    })

    return Stream.unwrapScoped(Effect.gen(function*() {
      const { response, start } = yield* retryWhileBusy(attempt, url, config)
      const elapsed = (yield* Clock.currentTimeMillis) - start
      const firstByteLeft = Duration.millis(Math.max(1, Duration.toMillis(config.firstByteTimeout) - elapsed))
      const state = yield* Ref.make(initialStreamState)
      return responseEvents(response, url, config, firstByteLeft).pipe(
        Stream.takeUntil(isDone),
        Stream.mapConcatEffect((event) => handleEvent(state, event)),
        Stream.concat(Stream.fromIterableEffect(closingEvents(state)))
      )
    })).pipe(Stream.withSpan("LlmClient.streamChat"))
  }
}
