import { LlmStreamError } from "./LlmError.ts"
import { makeSseParser, type SseEvent } from "./sseParser.ts"

/** What a 200 body holds: SSE events, or one whole JSON document. */
export type BodyEvent =
  | { readonly _tag: "Sse"; readonly event: string; readonly data: string }
  | { readonly _tag: "Json"; readonly body: string }

export interface BodyReader {
  /** The events a piece of the body completes, or an error once an event or the body is too large. */
  readonly feed: (text: string) => ReadonlyArray<BodyEvent> | LlmStreamError
  /** The body ended: what was still pending (a last SSE event, the whole JSON document). */
  readonly end: () => ReadonlyArray<BodyEvent>
}

const MAX_CHARS = 10 * 1024 * 1024

const NONE: ReadonlyArray<BodyEvent> = []

const fromSse = (e: SseEvent): BodyEvent => ({ _tag: "Sse", event: e.event, data: e.data })

const tooLarge = (what: string) =>
  new LlmStreamError({ message: `the LLM server sent ${what} larger than 10 MiB; is LLM_BASE_URL an OpenAI-compatible server?` })

/**
 * Reads a completion body by its shape, not its label: some proxies serve SSE as
 * application/json, and some servers send a JSON document (an error, a whole completion) where a
 * stream was asked for. A body whose first non-blank character is `{` or `[` is JSON, read whole;
 * anything else is SSE, read as it streams.
 */
export const makeBodyReader = (): BodyReader => {
  let mode: "undecided" | "sse" | "json" = "undecided"
  let json = ""
  const sse = makeSseParser(MAX_CHARS)

  return {
    feed: (chunk) => {
      if (mode === "undecided") {
        const first = chunk.trimStart().charAt(0)
        if (first === "") return NONE
        mode = first === "{" || first === "[" ? "json" : "sse"
      }
      if (mode === "sse") {
        const events = sse.feed(chunk)
        if (events === null) return tooLarge("an SSE event")
        return events.length === 0 ? NONE : events.map(fromSse)
      }
      json += chunk
      return json.length > MAX_CHARS ? tooLarge("a JSON body") : NONE
    },
    end: () => (mode === "json" ? [{ _tag: "Json", body: json }] : sse.end().map(fromSse))
  }
}
