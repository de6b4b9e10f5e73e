import { closeSync, fstatSync, openSync, readlinkSync, readSync } from "node:fs"
import * as path from "node:path"
import type { GrepLine } from "../GrepCollector.ts"

/**
 * PathGuard.isInside, restated because this module runs in worker threads and must not load
 * Effect there (it tripled a worker's start-up); a test checks the two agree.
 */
export const insideRoot = (root: string, candidate: string): boolean =>
  candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep)

/** What a worker needs to search: plain data, so it crosses to a worker thread as is. */
export interface SearchSpec {
  readonly root: string
  /** OpenGuard.openFlags: no following the final symlink, no blocking on a FIFO */
  readonly openFlags: number
  readonly lineSource: string
  readonly lineFlags: string
  /** null when the pattern could span lines or look around */
  readonly wholeSource: string | null
  readonly wholeFlags: string
  /** a literal every match contains (see Literal.ts), searched in the bytes first */
  readonly literal: string | null
  readonly context: number
  readonly lineChars: number
  readonly maxFileBytes: number
}

export interface Compiled {
  readonly spec: SearchSpec
  readonly line: RegExp
  readonly wholeFile: RegExp | null
  readonly literal: Buffer | null
}

export const compileSpec = (spec: SearchSpec): Compiled => ({
  spec,
  line: new RegExp(spec.lineSource, spec.lineFlags),
  wholeFile: spec.wholeSource === null ? null : new RegExp(spec.wholeSource, spec.wholeFlags),
  literal: spec.literal === null ? null : Buffer.from(spec.literal, "utf8")
})

/** Line-by-line search of one text, like ripgrep: `$` does not match before "\r". */
export const searchText = (text: string, query: { readonly line: RegExp; readonly wholeFile: RegExp | null; readonly context: number; readonly lineChars: number }): ReadonlyArray<GrepLine> => {
  if (query.wholeFile !== null && !query.wholeFile.test(text)) return []
  const lines = text.split("\n")
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop()
  const keep = new Map<number, boolean>()
  for (let i = 0; i < lines.length; i++) {
    if (!query.line.test(lines[i])) continue
    keep.set(i, true)
    for (let j = Math.max(0, i - query.context); j <= Math.min(lines.length - 1, i + query.context); j++) {
      if (!keep.has(j)) keep.set(j, false)
    }
  }
  return [...keep.keys()]
    .sort((a, b) => a - b)
    .map((i) => ({
      n: i + 1,
      text: (lines[i].endsWith("\r") ? lines[i].slice(0, -1) : lines[i]).slice(0, query.lineChars + 1),
      match: keep.get(i) === true
    }))
}

/** Searches bytes already read: the literal first (no decoding when it is absent), then the regex. */
export const searchBytes = (bytes: Buffer, compiled: Compiled): ReadonlyArray<GrepLine> => {
  if (compiled.literal !== null && bytes.indexOf(compiled.literal) === -1) return []
  return searchText(bytes.toString("utf8"), { line: compiled.line, wholeFile: compiled.wholeFile, context: compiled.spec.context, lineChars: compiled.spec.lineChars })
}

/** null: nothing to report (no match, binary, unreadable or refused); "large": over the size limit. */
export type FileResult = ReadonlyArray<GrepLine> | "large" | null

const firstBlock = 64 * 1024
const sniffBytes = 8192
let scratch = Buffer.allocUnsafe(firstBlock)

/**
 * The thread's read buffer, grown to the biggest file searched so far (at most maxFileBytes): a
 * file is searched before the next is read and hits are copied out as strings, so one buffer
 * serves every file instead of one allocation per file over 64 KB.
 */
const bufferFor = (size: number): Buffer => {
  if (size > scratch.length) scratch = Buffer.allocUnsafe(Math.max(size, 2 * scratch.length))
  return scratch
}

const readInto = (fd: number, buffer: Buffer, from: number, to: number): number => {
  let filled = from
  while (filled < to) {
    const n = readSync(fd, buffer, filled, to - filled, filled)
    if (n === 0) break
    filled += n
  }
  return filled
}

/**
 * One walked file, synchronously (this runs on a worker thread): the same guard as the async path
 * (open without following, a regular file, the kernel's path for the descriptor inside the root),
 * binary detection from the first block before reading on, then the search.
 */
export const searchPath = (abs: string, compiled: Compiled): FileResult => {
  let fd: number
  try {
    fd = openSync(abs, compiled.spec.openFlags)
  } catch {
    return null
  }
  try {
    const stat = fstatSync(fd)
    if (!stat.isFile()) return null
    let actual: string | null = null
    try {
      actual = readlinkSync(`/proc/self/fd/${fd}`)
    } catch {
      actual = null
    }
    if (actual !== null && !insideRoot(compiled.spec.root, actual)) return null
    if (stat.size > compiled.spec.maxFileBytes) {
      const sniff = bufferFor(sniffBytes)
      const head = readInto(fd, sniff, 0, Math.min(stat.size, sniffBytes))
      return sniff.subarray(0, head).includes(0) ? null : "large"
    }
    const size = stat.size
    const buffer = bufferFor(size)
    const head = readInto(fd, buffer, 0, Math.min(size, firstBlock))
    if (buffer.subarray(0, head).includes(0)) return null
    const filled = head < Math.min(size, firstBlock) ? head : readInto(fd, buffer, head, size)
    const bytes = buffer.subarray(0, filled)
    if (filled > head && bytes.includes(0, head)) return null
    const lines = searchBytes(bytes, compiled)
    return lines.length === 0 ? null : lines
  } catch {
    return null
  } finally {
    closeSync(fd)
  }
}
