import { Effect } from "effect"
import type { FileHandle } from "node:fs/promises"
import { ToolError, codeOf } from "./ToolError.ts"

export interface Line {
  readonly n: number
  readonly text: string
  readonly cut: boolean
}

export interface ReadLinesOptions {
  readonly startLine: number
  readonly lineCount: number
  readonly maxLineChars: number
  readonly maxOutputBytes: number
  readonly maxScanBytes: number
  readonly fileSize: number
  readonly chunkBytes?: number
}

export type StopReason = "eof" | "lines" | "bytes" | "scan"

export interface ReadLinesResult {
  readonly lines: ReadonlyArray<Line>
  readonly stop: StopReason
  /** lines seen before stopping (complete or not) */
  readonly linesSeen: number
  /** whether bytes remain after the last line read */
  readonly more: boolean
}

const readChunk = (handle: FileHandle, buffer: Buffer, position: number, length = buffer.length) =>
  Effect.tryPromise({
    try: () => handle.read(buffer, 0, length, position),
    catch: (cause) => new ToolError({ message: `read failed (${codeOf(cause)})` })
  })

/**
 * Reads numbered lines with fixed-size reads: memory stays bounded by the chunk size plus the kept
 * output, whatever the file or line length. Lines before startLine are scanned, not kept.
 */
export const readLines = Effect.fn("LineReader.readLines")(function* (handle: FileHandle, options: ReadLinesOptions) {
  const buffer = Buffer.alloc(options.chunkBytes ?? 64 * 1024)
  const decoder = new TextDecoder("utf-8")
  const lines: Array<Line> = []
  const lastWanted = options.startLine + options.lineCount - 1
  let lineNo = 1
  let current = ""
  let currentCut = false
  let outputBytes = 0
  let position = 0
  let stop: StopReason | null = null
  let tailLeft = false

  const keep = (text: string) => {
    if (lineNo < options.startLine || currentCut) return
    const room = options.maxLineChars - current.length
    if (text.length > room) {
      current += text.slice(0, room)
      currentCut = true
    } else current += text
  }
  const finish = () => {
    if (lineNo >= options.startLine) {
      const text = current.endsWith("\r") ? current.slice(0, -1) : current
      lines.push({ n: lineNo, text, cut: currentCut })
      outputBytes += Buffer.byteLength(text, "utf8") + 8
      if (lineNo >= lastWanted) stop = "lines"
      else if (outputBytes >= options.maxOutputBytes) stop = "bytes"
    }
    lineNo++
    current = ""
    currentCut = false
  }

  while (stop === null) {
    if (position >= options.maxScanBytes) {
      stop = "scan"
      break
    }
    const { bytesRead } = yield* readChunk(handle, buffer, position, Math.min(buffer.length, options.maxScanBytes - position))
    if (bytesRead === 0) {
      const rest = decoder.decode()
      keep(rest)
      if (current.length > 0 || rest.length > 0 || currentCut) finish()
      if (stop === null) stop = "eof"
      break
    }
    position += bytesRead
    const text = decoder.decode(buffer.subarray(0, bytesRead), { stream: true })
    let from = 0
    while (stop === null) {
      const newline = text.indexOf("\n", from)
      if (newline === -1) {
        keep(text.slice(from))
        break
      }
      keep(text.slice(from, newline))
      finish()
      from = newline + 1
    }
    tailLeft = from < text.length
    // the last wanted line is already cut: no need to scan to its end
    if (stop === null && currentCut && lineNo === lastWanted) {
      finish()
    }
  }
  const finalStop: StopReason = stop ?? "eof"
  const more = finalStop !== "eof" && (tailLeft || position < options.fileSize)
  const result: ReadLinesResult = { lines, stop: finalStop, linesSeen: lineNo - 1, more }
  return result
})

/** Binary sniff like git and ripgrep: a NUL byte in the first 8 KB. */
export const looksBinary = (bytes: Uint8Array): boolean => bytes.subarray(0, 8192).includes(0)

export const readHead = Effect.fn("LineReader.readHead")(function* (handle: FileHandle, bytes: number) {
  const buffer = Buffer.alloc(bytes)
  const { bytesRead } = yield* readChunk(handle, buffer, 0)
  return buffer.subarray(0, bytesRead)
})
