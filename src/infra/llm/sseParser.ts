/** One dispatched SSE event; `event` is "message" unless the server named it. */
export interface SseEvent {
  readonly event: string
  readonly data: string
}

export interface SseParser {
  /** Feeds decoded text; returns the events it completed, or null once an event grows past the limit. */
  readonly feed: (text: string) => ReadonlyArray<SseEvent> | null
  /** The body ended: a last line or event not followed by a blank line still counts. */
  readonly end: () => ReadonlyArray<SseEvent>
}

/**
 * An incremental SSE parser (LF, CRLF and CR line endings). Beyond the spec it reads the old
 * llama.cpp line `error: {...}` (no `data:` prefix) as an event named "error", and a line that
 * is a bare JSON object as data. Comments
 * (`: ping`), `id:` and `retry:` yield nothing: a completion is never resumed.
 */
export const makeSseParser = (maxEventChars: number): SseParser => {
  let pending = ""
  let skipLineFeed = false
  let name: string | null = null
  let data: Array<string> | null = null
  let dataChars = 0
  let out: Array<SseEvent> = []

  const dispatch = () => {
    if (data !== null) out.push({ event: name ?? "message", data: data.join("\n") })
    name = null
    data = null
    dataChars = 0
  }

  const addData = (value: string) => {
    data = data ?? []
    data.push(value)
    dataChars += value.length + 1
  }

  const line = (text: string) => {
    if (text === "") return dispatch()
    if (text.startsWith(":")) return
    // A bare JSON line: llama-swap writes its error body so after its loading progress.
    if (text.startsWith("{")) return addData(text)
    const colon = text.indexOf(":")
    const field = colon === -1 ? text : text.slice(0, colon)
    const raw = colon === -1 ? "" : text.slice(colon + 1)
    const value = raw.startsWith(" ") ? raw.slice(1) : raw
    if (field === "data") addData(value)
    else if (field === "event") name = value
    else if (field === "error") {
      name = "error"
      addData(value)
    }
  }

  const takeEvents = () => {
    const events = out
    out = []
    return events
  }

  return {
    feed: (chunk) => {
      const text = skipLineFeed && chunk.startsWith("\n") ? chunk.slice(1) : chunk
      skipLineFeed = false
      const buffer = pending + text
      let start = 0
      for (let i = pending.length; i < buffer.length; i++) {
        const c = buffer.charCodeAt(i)
        if (c !== 10 && c !== 13) continue
        line(buffer.slice(start, i))
        if (c === 13) {
          if (i + 1 === buffer.length) skipLineFeed = true
          else if (buffer.charCodeAt(i + 1) === 10) i++
        }
        start = i + 1
      }
      pending = buffer.slice(start)
      if (pending.length + dataChars > maxEventChars) return null
      return takeEvents()
    },
    end: () => {
      if (pending !== "") line(pending)
      pending = ""
      dispatch()
      return takeEvents()
    }
  }
}
