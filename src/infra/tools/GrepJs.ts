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
import { ignoresAbove, walk, type WalkEntry } from "./Walker.ts"
import { filesOf, maxWalkDepth } from "./walkRules.ts"
import { rulesForWorkers, walkInWorkers } from "./grep/walkInWorkers.ts"
import type { WalkedFile } from "./grep/walkTask.ts"

export { searchText } from "./grep/Search.ts"

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
const searchHere = (context: ToolContext, spec: SearchSpec, bigReads: Limiter, files: ReadonlyArray<WalkedFile>) => {
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

const deliver = (collector: Collector, rel: string, result: FileResult) => {
  if (result === null) return
  if (result === "large") collector.skipLarge()
  else collector.add({ rel, lines: result })
}

/** Searches walked files on the worker pool (here, should it fail) and hands what is found to the collector. */
const searchBatch = (context: ToolContext, spec: SearchSpec, bigReads: Limiter, collector: Collector, files: ReadonlyArray<WalkedFile>) =>
  Effect.tryPromise(() => grepPool().search(spec, files.map((file) => file.abs))).pipe(
    Effect.orElse(() => searchHere(context, spec, bigReads, files)),
    Effect.map((results) => results.forEach((found, i) => deliver(collector, files[i].rel, found)))
  )

const inBatches = <A>(items: ReadonlyArray<A>): Array<ReadonlyArray<A>> => {
  const batches: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < items.length; i += batchFiles) batches.push(items.slice(i, i + batchFiles))
  return batches
}

/**
 * The walk and the search both on the worker pool (walkInWorkers): a directory's files are
 * searched by the worker that listed it, the rest of a big directory in batches. Results come back
 * out of order; the collector restores the walk's order.
 */
const grepInWorkers = (context: ToolContext, query: GrepQuery, collector: Collector, projectRules: string) =>
  Effect.gen(function* () {
    const spec = searchSpec(context, query)
    const bigReads = makeLimiter(2)
    const above = yield* ignoresAbove(context.root, query.target.rel)
    yield* walkInWorkers(
      { root: context.root, projectRules, glob: query.glob, maxDepth: maxWalkDepth, search: spec, inlineFiles: batchFiles },
      { abs: query.target.abs, rel: query.target.rel, depth: 1, ignores: filesOf(above) },
      (result) => {
        for (const { rel, result: found } of result.searched) deliver(collector, rel, found)
        return inBatches(result.files).map((batch) => searchBatch(context, spec, bigReads, collector, batch))
      }
    )
  })

/**
 * The walk runs here (it applies .gitignore and the secret rules); the reading and searching run
 * on the worker pool, in batches of walked files. The way when the walk cannot run on the
 * workers: a single file, secret rules a worker cannot rebuild, or workers that cannot start.
 */
const grepWalkingHere = (context: ToolContext, query: GrepQuery, collector: Collector) =>
  Effect.gen(function* () {
    const spec = searchSpec(context, query)
    const bigReads = makeLimiter(2)
    const files: Stream.Stream<WalkEntry, ToolError> =
      query.target.kind === "file"
        ? Stream.succeed({ abs: query.target.abs, rel: query.target.rel, kind: "file", depth: 0 })
        : walk({ root: context.root, startAbs: query.target.abs, startRel: query.target.rel, maxDepth: maxWalkDepth, secrets: context.secrets })
    yield* files.pipe(
      Stream.chunks,
      Stream.mapConcat((chunk) => inBatches(Chunk.toReadonlyArray(chunk).filter((entry) => entry.kind === "file" && query.matchesGlob(entry.rel)))),
      Stream.mapEffect((batch) => searchBatch(context, spec, bigReads, collector, batch), { concurrency: 2 * grepPool().size, unordered: true }),
      Stream.runDrain
    )
  })

/** The JavaScript engine: walk and search on the worker threads when it can, else walk here and search there. */
export const grepJs = Effect.fn("Grep.js")(function* (context: ToolContext, query: GrepQuery, collector: Collector) {
  const projectRules = rulesForWorkers(context.secrets)
  if (query.target.kind === "dir" && projectRules !== undefined)
    return yield* grepInWorkers(context, query, collector, projectRules)
  return yield* grepWalkingHere(context, query, collector)
})
