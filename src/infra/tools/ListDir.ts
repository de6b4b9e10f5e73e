import { Chunk, Effect, Option, Schema, Stream } from "effect"
import { intArg } from "./ArgSchemas.ts"
import { promises as fs } from "node:fs"
import { count, display, note } from "./Format.ts"
import * as PathGuard from "./PathGuard.ts"
import type { ToolContext, ToolResult } from "./ToolContext.ts"
import { walk, type WalkEntry } from "./Walker.ts"

export const ListDirArgs = Schema.Struct({
  path: Schema.optional(Schema.String.annotations({ description: "Directory relative to the project root (default: the root)" })),
  depth: Schema.optional(
    intArg(1, 5).annotations({ description: "How many levels to descend (default 1, maximum 5)" })
  )
})
export type ListDirArgs = typeof ListDirArgs.Type

export const listDirDescription =
  "List a directory: one entry per line as `dir  path/`, `file SIZE  path` or `symlink  path -> target`, paths relative " +
  "to the project root. depth descends into subdirectories. Gitignored files, .git and secrets are not listed."

const describeLink = (context: ToolContext, entry: WalkEntry) =>
  Effect.gen(function* () {
    const real = yield* Effect.tryPromise(() => fs.realpath(entry.abs)).pipe(Effect.option)
    if (Option.isNone(real)) return "(broken or looping)"
    if (!PathGuard.isInside(context.root, real.value)) return "(points outside the project)"
    const rel = PathGuard.toRel(context.root, real.value)
    const stat = yield* Effect.tryPromise(() => fs.stat(real.value)).pipe(Effect.option)
    const isDir = Option.isSome(stat) && stat.value.isDirectory()
    if (context.secrets.isHidden(rel, isDir)) return "(hidden)"
    return `-> ${display(rel)}${isDir ? "/" : ""}`
  })

const formatEntry = (context: ToolContext) => (entry: WalkEntry) =>
  Effect.gen(function* () {
    switch (entry.kind) {
      case "dir":
        return `dir  ${entry.rel}/`
      case "file": {
        const stat = yield* Effect.tryPromise(() => fs.lstat(entry.abs)).pipe(Effect.option)
        return `file ${Option.isSome(stat) ? stat.value.size : "?"}  ${entry.rel}`
      }
      case "symlink":
        return `symlink  ${entry.rel} ${yield* describeLink(context, entry)}`
      case "other":
        return `other  ${entry.rel} (special file, cannot be read)`
    }
  })

export const listDir = Effect.fn("Tools.listDir")(function* (context: ToolContext, args: ListDirArgs) {
  const { limits } = context
  const target = yield* PathGuard.resolve(context.root, args.path ?? ".", context.secrets)
  if (target.kind !== "dir") return yield* Effect.succeed<ToolResult>({ output: `file ${target.size}  ${target.rel}`, truncated: false })
  const depth = Math.min(args.depth ?? 1, limits.listMaxDepth)
  const entries = yield* walk({ root: context.root, startAbs: target.abs, startRel: target.rel, maxDepth: depth, secrets: context.secrets }).pipe(
    Stream.take(limits.listMaxEntries + 1),
    Stream.runCollect,
    Effect.map(Chunk.toReadonlyArray)
  )
  yield* PathGuard.recheckDir(target)
  const shown = entries.slice(0, limits.listMaxEntries)
  const lines = yield* Effect.forEach(shown, formatEntry(context), { concurrency: limits.walkConcurrency })
  const truncated = entries.length > limits.listMaxEntries
  if (lines.length === 0) return { output: `(empty directory: ${display(target.rel)})`, truncated: false }
  if (truncated) {
    lines.push(note(`truncated: first ${count(limits.listMaxEntries)} entries shown; list a subdirectory or use a smaller depth`))
  }
  const result: ToolResult = { output: lines.join("\n"), truncated }
  return result
})
