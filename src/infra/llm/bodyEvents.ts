import { Effect, Stream } from "effect"
import { LlmStreamError } from "./LlmError.ts"
import { makeSseParser, type SseEvent } from "./sseParser.ts"

/** What a 200 body holds: SSE events, or one whole JSON document. */
export type BodyEvent =
  | { readonly _tag: "Sse"; readonly event: string; readonly data: string }
  | { readonly _tag: "Json"; readonly body: string }

const MAX_CHARS = 10 * 1024 * 1024

const fromSse = (e: SseEvent): BodyEvent => ({ _tag: "Sse", event: e.event, data: e.data })

const tooLarge = (what: string) =>
  new LlmStreamError({ message: `the LLM server sent ${what} larger than 10 MiB; is LLM_BASE_URL an OpenAI-compatible server?` })

/**
 * Reads a completion body by its shape, not its label: some proxies serve SSE as
 * application/json, and some servers send a JSON document (an error, a whole completion) where a
 * stream was asked for. A body whose first non-blank character is `{` or `[` is JSON, read whole;
 * anything else is SSE, read as it streams.
 */
export const bodyEvents = <E, R>(text: Stream.Stream<string, E, R>): Stream.Stream<BodyEvent, E | LlmStreamError, R> =>
  Stream.suspend(() => {
    let mode: "undecided" | "sse" | "json" = "undecided"
    let json = ""
    const sse = makeSseParser(MAX_CHARS)

    const feedSse = (chunk: string): Effect.Effect<ReadonlyArray<BodyEvent>, LlmStreamError> => {
      const events = sse.feed(chunk)
      return events === null
        ? Effect.fail(tooLarge("an SSE event"))
        : Effect.succeed(events.map(fromSse))
    }

    const feed = (chunk: string): Effect.Effect<ReadonlyArray<BodyEvent>, LlmStreamError> => {
      if (mode === "undecided") {
        const first = chunk.trimStart().charAt(0)
        if (first === "") return Effect.succeed([])
        mode = first === "{" || first === "[" ? "json" : "sse"
      }
      if (mode === "sse") return feedSse(chunk)
      json += chunk
      return json.length > MAX_CHARS ? Effect.fail(tooLarge("a JSON body")) : Effect.succeed([])
    }

    const end = (): ReadonlyArray<BodyEvent> =>
      mode === "json"
        ? [{ _tag: "Json", body: json }]
        : sse.end().map(fromSse)

    return text.pipe(
      Stream.mapConcatEffect(feed),
      Stream.concat(Stream.suspend(() => Stream.fromIterable(end())))
    )
  })
