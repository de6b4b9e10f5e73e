/** ripgrep --json gives text as UTF-8 `text` or, when not valid UTF-8, base64 `bytes`. */
export type RgData = { readonly text: string } | { readonly bytes: string }

/** The messages the grep engine reads; `summary` and anything unknown come out as null. */
export type RgMessage =
  | { readonly type: "begin" | "end"; readonly path: RgData }
  | { readonly type: "match" | "context"; readonly path: RgData; readonly lines: RgData; readonly lineNumber: number | null }

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

const asData = (value: unknown): RgData | null => {
  if (!isRecord(value)) return null
  if (typeof value.text === "string") return { text: value.text }
  if (typeof value.bytes === "string") return { bytes: value.bytes }
  return null
}

/**
 * One line of `rg --json`: JSON.parse and a hand check of the few fields used. A Schema pass per
 * line cost more than the search itself on large trees; a malformed line is still refused (null).
 */
export const decodeRgLine = (raw: string): RgMessage | null => {
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    return null
  }
  if (!isRecord(parsed) || !isRecord(parsed.data)) return null
  const { type, data } = parsed
  const path = asData(data.path)
  if (path === null) return null
  switch (type) {
    case "begin":
    case "end":
      return { type, path }
    case "match":
    case "context": {
      const lines = asData(data.lines)
      const n = data.line_number
      if (lines === null || (n !== null && typeof n !== "number")) return null
      return { type, path, lines, lineNumber: n }
    }
    default:
      return null
  }
}

export const dataText = (data: RgData): string => ("text" in data ? data.text : Buffer.from(data.bytes, "base64").toString("utf8"))
