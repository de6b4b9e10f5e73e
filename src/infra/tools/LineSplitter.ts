/**
 * Splits a text stream into lines without re-scanning or re-copying what it already holds; a line
 * longer than maxLineChars is dropped (reported through onOverflow) instead of growing memory.
 */
export const makeLineSplitter = (maxLineChars: number, onLine: (line: string) => void, onOverflow: () => void) => {
  let parts: Array<string> = []
  let held = 0
  let overflowing = false

  const push = (chunk: string) => {
    let from = 0
    while (from <= chunk.length) {
      const newline = chunk.indexOf("\n", from)
      const end = newline === -1 ? chunk.length : newline
      const piece = chunk.slice(from, end)
      if (!overflowing) {
        if (held + piece.length > maxLineChars) {
          overflowing = true
          parts = []
          held = 0
          onOverflow()
        } else if (piece.length > 0) {
          parts.push(piece)
          held += piece.length
        }
      }
      if (newline === -1) return
      if (!overflowing) onLine(parts.join(""))
      parts = []
      held = 0
      overflowing = false
      from = newline + 1
    }
  }

  const end = () => {
    if (!overflowing && held > 0) onLine(parts.join(""))
    parts = []
    held = 0
  }

  return { push, end }
}
