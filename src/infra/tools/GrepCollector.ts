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
  /** counts matches in files whose lines will not be shown */
  readonly addCounted: (matches: number, files: number) => void
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

  const addCounted = (matches: number, filesWithMatches: number) => {
    total += matches
    files += filesWithMatches
  }

  return { add, addCounted, skipLarge: () => void largeSkipped++, render }
}

const matchCount = (hits: FileHits) => {
  let n = 0
  for (const line of hits.lines) if (line.match) n++
  return n
}

/**
 * Takes files in any order and hands them to `makeCollector` in walk order at render, so a
 * parallel search prints what a sorted one would. Only the first files holding maxMatches matches
 * keep their lines; later ones are counted, so memory stays bounded whatever the match count.
 */
export const makeOrderedCollector = (
  maxMatches: number,
  lineChars: number,
  withContext: boolean,
  compare: (a: string, b: string) => number
): Collector => {
  const kept: Array<{ readonly hits: FileHits; readonly matches: number }> = []
  let keptMatches = 0
  let droppedMatches = 0
  let droppedFiles = 0
  let largeSkipped = 0

  const add = (hits: FileHits) => {
    const matches = matchCount(hits)
    if (matches === 0) return
    let lo = 0
    let hi = kept.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (compare(kept[mid].hits.rel, hits.rel) < 0) lo = mid + 1
      else hi = mid
    }
    kept.splice(lo, 0, { hits, matches })
    keptMatches += matches
    // drop files that sort after the point where maxMatches matches are already held
    while (kept.length > 1 && keptMatches - kept[kept.length - 1].matches >= maxMatches) {
      const last = kept.pop()!
      keptMatches -= last.matches
      droppedMatches += last.matches
      droppedFiles++
    }
  }

  const render = (notes: { readonly maxFileBytes: number }): ToolResult => {
    const inner = makeCollector(maxMatches, lineChars, withContext)
    for (const { hits } of kept) inner.add(hits)
    inner.addCounted(droppedMatches, droppedFiles)
    for (let i = 0; i < largeSkipped; i++) inner.skipLarge()
    return inner.render(notes)
  }

  const addCounted = (matches: number, files: number) => {
    droppedMatches += matches
    droppedFiles += files
  }

  return { add, addCounted, skipLarge: () => void largeSkipped++, render }
}
