/**
 * PostgreSQL's text and jsonb refuse two things a JavaScript string may hold: the NUL character and
 * UTF-16 surrogates without their pair. Model and tool output get those replaced by U+FFFD (one
 * code unit for one, so offsets stay the same); requests holding them are refused.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, "g")

export const REPLACEMENT = "\uFFFD"

export const isStorable = (text: string): boolean => !UNSTORABLE.test(text)

/** `text` with every NUL and unpaired surrogate replaced by U+FFFD; the same length. */
export const toStorable = (text: string): string => (isStorable(text) ? text : text.replace(UNSTORABLE_ALL, REPLACEMENT))

/** The path of the first string (value or key) Postgres could not store, e.g. "messages.0.content". */
export const findUnstorable = (value: unknown, path: ReadonlyArray<string> = []): string | undefined => {
  if (typeof value === "string") return isStorable(value) ? undefined : path.join(".") || "(body)"
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorable(value[i], [...path, String(i)])
      if (found !== undefined) return found
    }
    return undefined
  }
  if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (!isStorable(key)) return [...path, key].join(".")
      const found = findUnstorable(item, [...path, key])
      if (found !== undefined) return found
    }
  }
  return undefined
}

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff

/**
 * Makes a stream of pieces storable without breaking a surrogate pair that arrives split across two
 * pieces: a trailing high surrogate is held until the next piece shows whether its pair follows.
 */
export const makeStorableStream = () => {
  let held = ""
  return {
    push: (piece: string): string => {
      let text = held + piece
      held = ""
      if (text.length > 0 && isHigh(text.charCodeAt(text.length - 1))) {
        held = text.slice(-1)
        text = text.slice(0, -1)
      }
      return toStorable(text)
    },
    /** What is still held at the end of the stream (an unpaired high surrogate becomes U+FFFD). */
    end: (): string => {
      const rest = held
      held = ""
      return toStorable(rest)
    }
  }
}
