import { Effect, Schema } from "effect"
import { intArg } from "./ArgSchemas.ts"
import { count, note } from "./Format.ts"
import { looksBinary, readHead, readLines } from "./LineReader.ts"
import * as OpenGuard from "./OpenGuard.ts"
import * as PathGuard from "./PathGuard.ts"
import type { ToolContext, ToolResult } from "./ToolContext.ts"

export const ViewFileArgs = Schema.Struct({
  path: Schema.String.annotations({ description: "File path relative to the project root" }),
  start_line: Schema.optional(
    intArg(1).annotations({ description: "First line to show (1-based, default 1)" })
  ),
  line_count: Schema.optional(
    intArg(1).annotations({ description: "How many lines to show (default and maximum 2000)" })
  )
})
export type ViewFileArgs = typeof ViewFileArgs.Type

export const viewFileDescription =
  "Show a text file with numbered lines (`N<TAB>text`). Use start_line and line_count to page through long files. " +
  "Long lines are cut; binary files are reported, not shown."

/** bytes kept free for the notes after the lines */
const noteRoom = 512

const numbered = (n: number, text: string) => `${String(n).padStart(6)}\t${text}`

export const viewFile = Effect.fn("Tools.viewFile")(function* (context: ToolContext, args: ViewFileArgs) {
  const { limits } = context
  const target = yield* PathGuard.resolve(context.root, args.path, context.secrets)
  return yield* Effect.scoped(
    Effect.gen(function* () {
      const handle = yield* OpenGuard.openTarget(target)
      const head = yield* readHead(handle, 8192)
      if (looksBinary(head)) {
        const binary: ToolResult = { output: `binary file, ${count(target.size)} bytes`, truncated: false }
        return binary
      }
      if (target.size === 0) return { output: "(empty file)", truncated: false }
      const startLine = args.start_line ?? 1
      const lineCount = Math.min(args.line_count ?? limits.viewMaxLines, limits.viewMaxLines)
      const read = yield* readLines(handle, {
        startLine,
        lineCount,
        maxLineChars: limits.maxLineChars,
        maxOutputBytes: Math.max(1, limits.maxOutputBytes - noteRoom),
        maxScanBytes: limits.viewMaxScanBytes,
        fileSize: target.size
      })
      if (read.lines.length === 0) {
        return read.stop === "scan"
          ? { output: note(`stopped after scanning ${count(limits.viewMaxScanBytes)} bytes without reaching line ${count(startLine)}; the file is too large to page this far`), truncated: true }
          : { output: `(file has ${count(read.linesSeen)} lines; start_line ${count(startLine)} is past the end)`, truncated: false }
      }
      const body = read.lines.map((line) => numbered(line.n, line.cut ? `${line.text} …[line cut at ${count(limits.maxLineChars)} chars]` : line.text))
      const anyCut = read.lines.some((line) => line.cut)
      const last = read.lines[read.lines.length - 1].n
      const notes: Array<string> = []
      if (read.more) {
        const why = read.stop === "bytes" ? `output limit of ${count(limits.maxOutputBytes)} bytes reached` : read.stop === "scan" ? "scan limit reached" : `showing lines ${count(startLine)}-${count(last)}`
        notes.push(note(`truncated: ${why}; continue with start_line=${last + 1}`))
      }
      if (anyCut) notes.push(note(`some lines were cut at ${count(limits.maxLineChars)} chars; use grep to find text inside long lines`))
      const result: ToolResult = { output: [...body, ...notes].join("\n"), truncated: read.more || anyCut }
      return result
    })
  )
})
