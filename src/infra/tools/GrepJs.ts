import { Effect, Stream } from "effect"
import type { FileHandle } from "node:fs/promises"
import type { Collector, FileHits, GrepLine } from "./GrepCollector.ts"
import type { GrepQuery } from "./GrepQuery.ts"
import { looksBinary, readHead } from "./LineReader.ts"
import * as PathGuard from "./PathGuard.ts"
import type { ToolContext } from "./ToolContext.ts"
import type { ToolError } from "./ToolError.ts"
import { walk, type WalkEntry } from "./Walker.ts"

type Searched = FileHits | "large" | null

const maxWalkDepth = 64

const readAll = (handle: FileHandle) =>
  Effect.tryPromise((signal) => handle.readFile({ signal })).pipe(Effect.orElseSucceed(() => null))

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

const searchFile = (context: ToolContext, query: GrepQuery, abs: string, rel: string): Effect.Effect<Searched> =>
  Effect.scoped(
    Effect.gen(function* () {
      const opened = yield* PathGuard.openWalked(context.root, abs)
      if (opened.size > context.limits.grepMaxFileBytes) {
        const head = yield* readHead(opened.handle, 8192)
        return looksBinary(head) ? null : "large"
      }
      const bytes = yield* readAll(opened.handle)
      if (bytes === null || bytes.includes(0)) return null
      const lines = searchText(bytes.toString("utf8"), query)
      return lines.length === 0 ? null : { rel, lines }
    })
  ).pipe(
    Effect.orElseSucceed((): Searched => null),
    Effect.zipLeft(Effect.yieldNow())
  )

/** Walks with bounded concurrency; the walk is lazy so interruption abandons it at once. */
export const grepJs = Effect.fn("Grep.js")(function* (context: ToolContext, query: GrepQuery, collector: Collector) {
  const files: Stream.Stream<WalkEntry, ToolError> =
    query.target.kind === "file"
      ? Stream.succeed({ abs: query.target.abs, rel: query.target.rel, kind: "file", depth: 0 })
      : walk({ root: context.root, startAbs: query.target.abs, startRel: query.target.rel, maxDepth: maxWalkDepth, secrets: context.secrets })
  yield* files.pipe(
    Stream.filter((entry) => entry.kind === "file" && query.matchesGlob(entry.rel)),
    Stream.mapEffect((entry) => searchFile(context, query, entry.abs, entry.rel), { concurrency: context.limits.walkConcurrency }),
    Stream.runForEach((searched) =>
      Effect.sync(() => {
        if (searched === "large") collector.skipLarge()
        else if (searched !== null) collector.add(searched)
      })
    )
  )
})
