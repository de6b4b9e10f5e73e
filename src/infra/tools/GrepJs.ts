import { Chunk, Effect, Stream } from "effect"
import type { Collector, GrepLine } from "./GrepCollector.ts"
import type { GrepQuery } from "./GrepQuery.ts"
import { makeLimiter, type Limiter } from "./Limiter.ts"
import * as OpenGuard from "./OpenGuard.ts"
import type { ToolContext } from "./ToolContext.ts"
import type { ToolError } from "./ToolError.ts"
import { walk, type WalkEntry } from "./Walker.ts"

const maxWalkDepth = 64

/** Line-by-line search of one text, like ripgrep: `$` does not match before "\r". */
export const searchText = (text: string, query: GrepQuery): ReadonlyArray<GrepLine> => {
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

type Searched = { readonly _tag: "Hits"; readonly lines: ReadonlyArray<GrepLine> } | { readonly _tag: "Large" } | null

/** One file: the guarded read is a single promise (aborted on interruption); unreadable files are skipped. */
const searchFile = (context: ToolContext, query: GrepQuery, bigReads: Limiter, entry: WalkEntry): Effect.Effect<Searched> =>
  Effect.tryPromise((signal) =>
    OpenGuard.readWalkedFile(context.root, entry.abs, context.limits.grepMaxFileBytes, bigReads, signal)
  ).pipe(
    Effect.map((read): Searched => {
      if (read._tag === "Skipped") return read.reason === "large" ? { _tag: "Large" } : null
      const lines = searchText(read.bytes.toString("utf8"), query)
      return lines.length === 0 ? null : { _tag: "Hits", lines }
    }),
    Effect.orElseSucceed((): Searched => null)
  )

/**
 * Walks lazily in chunks; each chunk's files are searched with bounded concurrency (so never
 * more than that many descriptors open) and fed to the collector in path order.
 */
export const grepJs = Effect.fn("Grep.js")(function* (context: ToolContext, query: GrepQuery, collector: Collector) {
  const bigReads = makeLimiter(2)
  const files: Stream.Stream<WalkEntry, ToolError> =
    query.target.kind === "file"
      ? Stream.succeed({ abs: query.target.abs, rel: query.target.rel, kind: "file", depth: 0 })
      : walk({ root: context.root, startAbs: query.target.abs, startRel: query.target.rel, maxDepth: maxWalkDepth, secrets: context.secrets })
  yield* files.pipe(
    Stream.chunks,
    Stream.buffer({ capacity: 4 }),
    Stream.runForEach((chunk) =>
      Effect.gen(function* () {
        const wanted = Chunk.toReadonlyArray(chunk).filter((entry) => entry.kind === "file" && query.matchesGlob(entry.rel))
        const results = yield* Effect.forEach(wanted, (entry) => searchFile(context, query, bigReads, entry), {
          concurrency: context.limits.walkConcurrency
        })
        results.forEach((searched, i) => {
          if (searched === null) return
          if (searched._tag === "Large") collector.skipLarge()
          else collector.add({ rel: wanted[i].rel, lines: searched.lines })
        })
        yield* Effect.yieldNow()
      })
    )
  )
})
