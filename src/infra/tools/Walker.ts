import { Effect, Stream } from "effect"
import type { Dirent } from "node:fs"
import { promises as fs } from "node:fs"
import * as path from "node:path"
import * as GitIgnore from "./GitIgnore.ts"
import type { SecretMatcher } from "./Secrets.ts"
import { ToolError, codeOf } from "./ToolError.ts"

export type EntryKind = "file" | "dir" | "symlink" | "other"

export interface WalkEntry {
  readonly abs: string
  /** root-relative posix path */
  readonly rel: string
  readonly kind: EntryKind
  /** 1 for the children of the start directory */
  readonly depth: number
}

export interface WalkOptions {
  readonly root: string
  readonly startAbs: string
  readonly startRel: string
  readonly maxDepth: number
  readonly secrets: SecretMatcher
}

const kindOf = (entry: Dirent): EntryKind =>
  entry.isSymbolicLink() ? "symlink" : entry.isDirectory() ? "dir" : entry.isFile() ? "file" : "other"

const byName = (a: Dirent, b: Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

const readDir = (abs: string, rel: string) =>
  Effect.tryPromise({
    try: () => fs.readdir(abs, { withFileTypes: true }),
    catch: (cause) => new ToolError({ message: `${rel === "" ? "." : rel}: cannot read directory (${codeOf(cause)})` })
  }).pipe(Effect.map((entries) => entries.sort(byName)))

/**
 * Depth-first, name-sorted walk that never follows symlinks, skips `.git/`, gitignored paths and
 * secrets. Directories that cannot be read below the start are skipped. Lazy: consumers stop it.
 */
export const walk = (options: WalkOptions): Stream.Stream<WalkEntry, ToolError> => {
  const visit = (abs: string, rel: string, depth: number, stack: GitIgnore.IgnoreStack, strict: boolean): Stream.Stream<WalkEntry, ToolError> =>
    Stream.unwrap(
      Effect.gen(function* () {
        const read = readDir(abs, rel)
        const entries = strict ? yield* read : yield* Effect.orElseSucceed(read, (): Array<Dirent> => [])
        const here = yield* GitIgnore.enter(stack, abs, rel)
        yield* Effect.yieldNow()
        return Stream.fromIterable(entries).pipe(
          Stream.flatMap((dirent) => {
            const kind = kindOf(dirent)
            const childRel = rel === "" ? dirent.name : `${rel}/${dirent.name}`
            const isDir = kind === "dir"
            if (dirent.name === ".git") return Stream.empty
            if (options.secrets.isHidden(childRel, isDir) || GitIgnore.isIgnored(here, childRel, isDir)) return Stream.empty
            const entry: WalkEntry = { abs: path.join(abs, dirent.name), rel: childRel, kind, depth }
            return isDir && depth < options.maxDepth
              ? Stream.concat(Stream.succeed(entry), visit(entry.abs, childRel, depth + 1, here, false))
              : Stream.succeed(entry)
          })
        )
      })
    )

  return Stream.unwrap(
    Effect.map(parentStack(options), (stack) => visit(options.startAbs, options.startRel, 1, stack, true))
  )
}

/** .gitignore files of the directories above the start (the start's own is read by the walk). */
const parentStack = (options: WalkOptions) => {
  if (options.startRel === "") return Effect.succeed(GitIgnore.emptyStack)
  const parent = path.posix.dirname(options.startRel)
  return GitIgnore.stackFor(options.root, parent === "." ? "" : parent)
}
