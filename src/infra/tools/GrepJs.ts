import { Chunk, Effect, Stream } from "effect"
import type { Collector } from "./GrepCollector.ts"
import type { GrepQuery } from "./GrepQuery.ts"
import { requiredLiteral } from "./grep/Literal.ts"
import { searchBytes, compileSpec, type FileResult, type SearchSpec } from "./grep/Search.ts"
import { grepPool } from "./grep/WorkerPool.ts"
import { makeLimiter, type Limiter } from "./Limiter.ts"
import * as OpenGuard from "./OpenGuard.ts"
import type { ToolContext } from "./ToolContext.ts"
import type { ToolError } from "./ToolError.ts"
import { walk, type WalkEntry } from "./Walker.ts"

export { searchText } from "./grep/Search.ts"

const maxWalkDepth = 64
/** files per message to a worker: small enough that an interrupted grep leaves little behind */
const batchFiles = 256

export const searchSpec = (context: ToolContext, query: GrepQuery): SearchSpec => ({
  root: context.root,
  openFlags: OpenGuard.openFlags,
  lineSource: query.line.source,
  lineFlags: query.line.flags,
  wholeSource: query.wholeFile === null ? null : query.wholeFile.source,
  wholeFlags: query.wholeFile === null ? "" : query.wholeFile.flags,
  literal: requiredLiteral(query.pattern, query.caseInsensitive),
  context: query.context,
  lineChars: query.lineChars,
  maxFileBytes: context.limits.grepMaxFileBytes
})

/** The same search on this thread with async reads: used when the worker pool cannot run. */
const searchHere = (context: ToolContext, spec: SearchSpec, bigReads: Limiter, files: ReadonlyArray<WalkEntry>) => {
  const compiled = compileSpec(spec)
  return Effect.forEach(
    files,
    (entry) =>
      Effect.tryPromise((signal) => OpenGuard.readWalkedFile(context.root, entry.abs, spec.maxFileBytes, bigReads, signal)).pipe(
        Effect.map((read): FileResult => {
          if (read._tag === "Skipped") return read.reason === "large" ? "large" : null
          const lines = searchBytes(read.bytes, compiled)
          return lines.length === 0 ? null : lines
        }),
        Effect.orElseSucceed((): FileResult => null)
      ),
    { concurrency: context.limits.walkConcurrency }
  )
}

const searchBatch = (context: ToolContext, spec: SearchSpec, bigReads: Limiter, files: ReadonlyArray<WalkEntry>) =>
  Effect.tryPromise(() => grepPool().search(spec, files.map((entry) => entry.abs))).pipe(
    Effect.orElse(() => searchHere(context, spec, bigReads, files))
  )

/**
 * The walk runs here (it applies .gitignore and the secret rules); the reading and searching run
 * on the worker pool, in batches of walked files. Results may come back out of order: the
 * collector restores the walk's order. Interruption stops the walk and drops batches in flight.
 */
export const grepJs = Effect.fn("Grep.js")(function* (context: ToolContext, query: GrepQuery, collector: Collector) {
  const spec = searchSpec(context, query)
  const bigReads = makeLimiter(2)
  const files: Stream.Stream<WalkEntry, ToolError> =
    query.target.kind === "file"
      ? Stream.succeed({ abs: query.target.abs, rel: query.target.rel, kind: "file", depth: 0 })
      : walk({ root: context.root, startAbs: query.target.abs, startRel: query.target.rel, maxDepth: maxWalkDepth, secrets: context.secrets })
  yield* files.pipe(
    Stream.chunks,
    Stream.mapConcat((chunk) => {
      const wanted = Chunk.toReadonlyArray(chunk).filter((entry) => entry.kind === "file" && query.matchesGlob(entry.rel))
      const batches: Array<ReadonlyArray<WalkEntry>> = []
      for (let i = 0; i < wanted.length; i += batchFiles) batches.push(wanted.slice(i, i + batchFiles))
      return batches
    }),
    Stream.mapEffect((batch) => Effect.map(searchBatch(context, spec, bigReads, batch), (results) => ({ batch, results })), {
      concurrency: 2 * grepPool().size,
      unordered: true
    }),
    Stream.runForEach(({ batch, results }) =>
      Effect.sync(() =>
        results.forEach((result, i) => {
          if (result === null) return
          if (result === "large") collector.skipLarge()
          else collector.add({ rel: batch[i].rel, lines: result })
        })
      )
    )
  )
})
