import { HttpClient, HttpClientRequest, type HttpClientResponse } from "@effect/platform"
import { Chunk, Clock, Duration, Effect, Exit, Option, Redacted, Scope, Stream } from "effect"
import { busyFromResponse, isBusyStatus, retryWhileBusy } from "./busyRetry.ts"
import { chatCompletionBody, type ChatRequest } from "./ChatRequest.ts"
import { httpStatusError } from "./classifyError.ts"
import { type CompletionReader, makeCompletionReader, type Piece } from "./completionReader.ts"
import type { LlmConfig } from "./LlmConfig.ts"
import type { LlmError, LlmTimeout } from "./LlmError.ts"
import type { LlmEvent } from "./LlmEvent.ts"
import { firstByteTimeout, idleTimeout, withPhaseTimeouts } from "./phaseTimeouts.ts"
import { relayPieces } from "./relayPieces.ts"
import { transportError } from "./transportError.ts"

/** A whole error body, bounded by the idle limit. */
const readBody = (response: HttpClientResponse.HttpClientResponse, url: string, config: LlmConfig) =>
  response.text.pipe(
    Effect.mapError(transportError(url, config)),
    Effect.timeoutFail({ duration: config.idleTimeout, onTimeout: (): LlmTimeout => idleTimeout(url, config.idleTimeout) })
  )

/** The body as pieces, one per read that completed a body event; each wait bounded: comments and blank bytes are not progress. */
const responsePieces = (
  response: HttpClientResponse.HttpClientResponse,
  reader: CompletionReader,
  url: string,
  config: LlmConfig,
  timeouts: { readonly first: Duration.Duration; readonly abort: Effect.Effect<void> }
): Stream.Stream<Piece, LlmError> =>
  withPhaseTimeouts(
    response.stream.pipe(
      Stream.mapError(transportError(url, config)),
      Stream.mapChunks(Chunk.filterMap((bytes) => Option.fromNullable(reader.read(bytes)))),
      Stream.concat(Stream.suspend(() => Stream.fromIterable(Option.toArray(Option.fromNullable(reader.end())))))
    ),
    { ...timeouts, idle: config.idleTimeout, url, firstLimit: config.firstByteTimeout }
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
      // The span lasts as long as the stream, but only the request runs inside it: providing it to
      // every read (Stream.withSpan) cost a fifth of the whole read path.
      const span = yield* Effect.makeSpanScoped("LlmClient.streamChat")
      // The request lives in a scope of its own: closing it aborts the request, which is how the
      // phase timeouts end a read that waits too long.
      const requestScope = yield* Effect.acquireRelease(Scope.make(), (scope, exit) => Scope.close(scope, exit))
      const { response, start } = yield* Scope.extend(retryWhileBusy(attempt, url, config), requestScope).pipe(
        Effect.withParentSpan(span)
      )
      const elapsed = (yield* Clock.currentTimeMillis) - start
      const timeouts = {
        first: Duration.millis(Math.max(1, Duration.toMillis(config.firstByteTimeout) - elapsed)),
        abort: Scope.close(requestScope, Exit.void)
      }
      const reader = makeCompletionReader()
      return relayPieces(responsePieces(response, reader, url, config, timeouts)).pipe(
        Stream.concat(Stream.fromIterableEffect(Effect.suspend(reader.closing)))
      )
    }))
  }
}
