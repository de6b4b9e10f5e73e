import { h } from "../lib/dom.ts"

export type DiffLineKind = "add" | "del" | "hunk" | "file" | "meta" | "note" | "context"

export interface DiffLine {
  readonly kind: DiffLineKind
  readonly text: string
}

/**
 * Classifies each line of a unified diff (git_diff, or git_show's commit header and diff): file
 * headers up to the first hunk, hunk headers, added and removed lines, the tool's own notes.
 */
export const diffLines = (text: string): ReadonlyArray<DiffLine> => {
  let inFileHeader = false
  let seenFile = false
  return text.split("\n").map((line): DiffLine => {
    if (line.startsWith("diff --git ")) {
      inFileHeader = true
      seenFile = true
      return { kind: "file", text: line }
    }
    if (/^\[.*\]$/.test(line)) return { kind: "note", text: line }
    if (line.startsWith("@@")) {
      inFileHeader = false
      return { kind: "hunk", text: line }
    }
    if (inFileHeader || (!seenFile && /^(commit [0-9a-f]+|Author: |Date: )/.test(line))) return { kind: "meta", text: line }
    if (!seenFile) return { kind: "context", text: line }
    if (line.startsWith("Binary files ")) return { kind: "meta", text: line }
    if (line.startsWith("+")) return { kind: "add", text: line }
    if (line.startsWith("-")) return { kind: "del", text: line }
    return { kind: "context", text: line }
  })
}

/** Tool calls whose result is a diff: git_diff, and git_show of a commit (not of a file). */
export const showsDiff = (tool: string, args: string): boolean => {
  if (tool === "git_diff") return true
  if (tool !== "git_show") return false
  try {
    const value: unknown = JSON.parse(args)
    return typeof value === "object" && value !== null && !("path" in value)
  } catch {
    return false
  }
}

/** A diff as a code block with one coloured line per diff line. */
export const renderDiff = (text: string): HTMLPreElement =>
  h("pre.code.diff", null, h("code", null, ...diffLines(text).map((line) => h(`span.d-${line.kind}`, null, line.text === "" ? "\u200b" : line.text))))
