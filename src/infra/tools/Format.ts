/** 1532 -> "1,532" */
export const count = (n: number): string => n.toLocaleString("en-US")

export const note = (text: string): string => `[${text}]`

export interface Capped {
  readonly text: string
  readonly cut: boolean
}

/** Cuts text at a line boundary so its UTF-8 size stays within maxBytes. */
export const capBytes = (text: string, maxBytes: number): Capped => {
  if (Buffer.byteLength(text, "utf8") <= maxBytes) return { text, cut: false }
  const head = Buffer.from(text, "utf8").subarray(0, maxBytes).toString("utf8")
  const lastNewline = head.lastIndexOf("\n")
  return { text: lastNewline > 0 ? head.slice(0, lastNewline) : head, cut: true }
}

/** Cuts one line to maxChars characters, marking the cut. */
export const cutLine = (line: string, maxChars: number): { readonly text: string; readonly cut: boolean } =>
  line.length <= maxChars
    ? { text: line, cut: false }
    : { text: `${line.slice(0, maxChars)} …[line cut at ${count(maxChars)} chars]`, cut: true }

/** Posix-style relative path for display; the root itself is ".". */
export const display = (rel: string): string => (rel === "" ? "." : rel)
