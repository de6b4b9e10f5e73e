import { count, cutLine, note } from "../Format.ts"
import type { ToolResult } from "../ToolContext.ts"

export interface RenderOptions {
  readonly maxLines: number
  readonly maxLineChars: number
  /** git's output went past the bytes read */
  readonly cut: boolean
  /** what to do to see more, e.g. "narrow with path" */
  readonly more: string
  readonly extraNotes?: ReadonlyArray<string>
}

/** Caps lines (count and length) and adds the notes saying what was left out. */
export const renderLines = (lines: ReadonlyArray<string>, options: RenderOptions): ToolResult => {
  const shown = lines.slice(0, options.maxLines).map((line) => cutLine(line, options.maxLineChars))
  const manyLines = lines.length > options.maxLines
  const anyCut = shown.some((line) => line.cut)
  const notes: Array<string> = [...(options.extraNotes ?? [])]
  if (manyLines) notes.push(note(`truncated: showing the first ${count(options.maxLines)} of ${options.cut ? "more than " : ""}${count(lines.length)} lines; ${options.more}`))
  else if (options.cut) notes.push(note(`truncated: git's output was cut at its size limit; ${options.more}`))
  if (anyCut) notes.push(note(`some lines were cut at ${count(options.maxLineChars)} chars`))
  return { output: [...shown.map((line) => line.text), ...notes].join("\n"), truncated: manyLines || options.cut || anyCut }
}
