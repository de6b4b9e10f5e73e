import { Chunk, Effect, Option, Stream } from "effect"
import type { Dirent } from "node:fs"
import { promises as fs } from "node:fs"
import * as path from "node:path"
import * as GitIgnore from "./GitIgnore.ts"
import { byName, entryShown, kindOf, type EntryKind } from "./walkRules.ts"
import type { SecretMatcher } from "./Secrets.ts"
import { ToolError, codeOf } from "./ToolError.ts"

export { compareWalkOrder, type EntryKind } from "./walkRules.ts"

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
  /** entries per emitted chunk (default 256) */
  readonly chunkSize?: number
}

interface Frame {
  readonly entries: ReadonlyArray<Dirent>
  index: number
  readonly abs: string
  readonly rel: string
  readonly depth: number
  readonly ignores: GitIgnore.IgnoreStack
  /** subdirectories opened ahead of the walk, by name (see `lookAhead`) */
  readonly ahead: Map<string, Frame>
}

/**
 * Sibling directories opened at once when the walk enters one: each opening is two round trips
 * to the file system, and on a busy machine waiting for them one at a time dominated the walk.
 * Bounded, so memory stays a few listings per level.
 */
const lookAhead = 8

const readDir = (abs: string, rel: string) =>
  Effect.tryPromise({
    try: () => fs.readdir(abs, { withFileTypes: true }),
    catch: (cause) => new ToolError({ message: `${rel === "" ? "." : rel}: cannot read directory (${codeOf(cause)})` })
  }).pipe(Effect.map((entries) => entries.sort(byName)))

const openFrame = (abs: string, rel: string, depth: number, parent: GitIgnore.IgnoreStack, strict: boolean) =>
  Effect.gen(function* () {
    const read = readDir(abs, rel)
    const entries = strict ? yield* read : yield* Effect.orElseSucceed(read, (): Array<Dirent> => [])
    // the listing says whether there is a .gitignore to read
    const ignores = entries.some((e) => e.name === ".gitignore") ? yield* GitIgnore.enter(parent, abs, rel) : parent
    const frame: Frame = { entries, index: 0, abs, rel, depth, ignores, ahead: new Map() }
    return frame
  })

/** .gitignore files of the directories above the start (the start's own is read by the walk). */
export const ignoresAbove = (root: string, startRel: string) => {
  if (startRel === "") return Effect.succeed(GitIgnore.emptyStack)
  const parent = path.posix.dirname(startRel)
  return GitIgnore.stackFor(root, parent === "." ? "" : parent)
}

/**
 * Depth-first, name-sorted walk (ripgrep's `--sort path` order) that never follows symlinks and
 * skips `.git/`, gitignored paths and secrets. Emits chunks of entries; lazy, so a consumer that
 * stops or is interrupted abandons the walk. Unreadable directories below the start are skipped.
 */
export const walk = (options: WalkOptions): Stream.Stream<WalkEntry, ToolError> => {
  const chunkSize = options.chunkSize ?? 256
  const relOf = (frame: Frame, dirent: Dirent) => (frame.rel === "" ? dirent.name : `${frame.rel}/${dirent.name}`)
  const wanted = (frame: Frame, dirent: Dirent) =>
    entryShown(dirent.name, relOf(frame, dirent), kindOf(dirent) === "dir", options.secrets, frame.ignores)
  const pull = (stack: Array<Frame>) =>
    Effect.gen(function* () {
      const out: Array<WalkEntry> = []
      while (out.length < chunkSize && stack.length > 0) {
        const frame = stack[stack.length - 1]
        if (frame.index >= frame.entries.length) {
          stack.pop()
          continue
        }
        const dirent = frame.entries[frame.index++]
        if (!wanted(frame, dirent)) continue
        const entry: WalkEntry = { abs: path.join(frame.abs, dirent.name), rel: relOf(frame, dirent), kind: kindOf(dirent), depth: frame.depth }
        out.push(entry)
        if (entry.kind === "dir" && frame.depth < options.maxDepth) {
          const opened = frame.ahead.get(dirent.name)
          if (opened !== undefined) {
            frame.ahead.delete(dirent.name)
            stack.push(opened)
            continue
          }
          const siblings: Array<Dirent> = [dirent]
          for (let i = frame.index; i < frame.entries.length && siblings.length < lookAhead; i++) {
            const next = frame.entries[i]
            if (kindOf(next) === "dir" && wanted(frame, next)) siblings.push(next)
          }
          const frames = yield* Effect.forEach(
            siblings,
            (d) => openFrame(path.join(frame.abs, d.name), relOf(frame, d), frame.depth + 1, frame.ignores, false),
            { concurrency: lookAhead }
          )
          for (let i = 1; i < frames.length; i++) frame.ahead.set(siblings[i].name, frames[i])
          stack.push(frames[0])
        }
      }
      yield* Effect.yieldNow()
      const next: Option.Option<Array<Frame>> = stack.length > 0 ? Option.some(stack) : Option.none()
      const page: readonly [Chunk.Chunk<WalkEntry>, Option.Option<Array<Frame>>] = [Chunk.unsafeFromArray(out), next]
      return page
    })

  return Stream.unwrap(
    Effect.gen(function* () {
      const parents = yield* ignoresAbove(options.root, options.startRel)
      const first = yield* openFrame(options.startAbs, options.startRel, 1, parents, true)
      return Stream.paginateChunkEffect([first], pull)
    })
  )
}
