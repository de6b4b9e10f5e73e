import { count, note } from "./Format.ts"
import type { ToolResult } from "./ToolContext.ts"

export interface GrepLine {
  readonly n: number
  readonly text: string
  readonly match: boolean
}

/** The hits in one file, lines in order: matches and their context. */
export interface FileHits {
  readonly rel: string
  readonly lines: ReadonlyArray<GrepLine>
}

export interface Collector {
  readonly add: (hits: FileHits) => void
  readonly skipLarge: () => void
  readonly render: (notes: { readonly maxFileBytes: number }) => ToolResult
}

const cut = (text: string, maxChars: number) =>
  text.length <= maxChars ? text : `${text.slice(0, maxChars)} …[line cut at ${count(maxChars)} chars]`

/** Keeps the first maxMatches matches (with their context) and counts every match. */
export const makeCollector = (maxMatches: number, lineChars: number, withContext: boolean): Collector => {
  const out: Array<string> = []
  let shown = 0
  let total = 0
  let files = 0
  let largeSkipped = 0
  let lastFile: string | null = null
  let lastLine = 0

  const add = (hits: FileHits) => {
    const matches = hits.lines.filter((line) => line.match).length
    if (matches === 0) return
    total += matches
    files++
    if (shown >= maxMatches) return
    let lastShownIndex = hits.lines.length - 1
    let budget = maxMatches - shown
    for (let i = 0; i < hits.lines.length; i++) {
      if (!hits.lines[i].match) continue
      if (budget === 0) {
        lastShownIndex = i - 1
        while (lastShownIndex >= 0 && !hits.lines[lastShownIndex].match) lastShownIndex--
        break
      }
      budget--
    }
    for (let i = 0; i <= lastShownIndex; i++) {
      const line = hits.lines[i]
      if (withContext && out.length > 0 && (lastFile !== hits.rel || line.n !== lastLine + 1)) out.push("--")
      const sep = line.match ? ":" : "-"
      out.push(`${hits.rel}${sep}${line.n}${sep} ${cut(line.text, lineChars)}`)
      if (line.match) shown++
      lastFile = hits.rel
      lastLine = line.n
    }
  }

  const render = (notes: { readonly maxFileBytes: number }): ToolResult => {
    const lines = [...out]
    const truncated = total > shown
    if (total === 0) lines.push("no matches")
    if (truncated) {
      lines.push(note(`truncated: ${count(shown)} of ${count(total)} matches (in ${count(files)} files) shown; narrow the pattern or add a glob or path`))
    }
    if (largeSkipped > 0) {
      lines.push(note(`${count(largeSkipped)} files larger than ${count(notes.maxFileBytes)} bytes were not searched`))
    }
    return { output: lines.join("\n"), truncated }
  }

  return { add, skipLarge: () => void largeSkipped++, render }
}
