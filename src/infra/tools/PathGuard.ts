import { Effect } from "effect"
import { promises as fs } from "node:fs"
import * as path from "node:path"
import type { SecretMatcher } from "./Secrets.ts"
import { fsFailure, kindRefusal, refuse } from "./GuardErrors.ts"
import { ToolError } from "./ToolError.ts"

/** A path inside the project, resolved through symlinks and checked. */
export interface Target {
  readonly root: string
  readonly abs: string
  readonly rel: string
  readonly kind: "file" | "dir"
  readonly size: number
  readonly dev: number
  readonly ino: number
}

/** Containment on path-segment boundaries: /x/proj2 is not inside /x/proj. */
export const isInside = (root: string, candidate: string): boolean => {
  if (candidate === root) return true
  const prefix = root.endsWith(path.sep) ? root : root + path.sep
  return candidate.startsWith(prefix)
}

export const toRel = (root: string, abs: string): string => path.relative(root, abs).split(path.sep).join("/")

/** The project root as a real path; it must be a directory. */
export const resolveRoot = Effect.fn("PathGuard.resolveRoot")(function* (root: string) {
  const real = yield* Effect.tryPromise({
    try: () => fs.realpath(root),
    catch: () => new ToolError({ message: `project root ${root} is not accessible` })
  })
  const stat = yield* Effect.tryPromise({
    try: () => fs.stat(real),
    catch: () => new ToolError({ message: `project root ${root} is not accessible` })
  })
  if (!stat.isDirectory()) return yield* new ToolError({ message: `project root ${root} is not a directory` })
  return real
})

/**
 * Resolves a model-supplied path against the real project root: refuses NUL bytes, `..` escapes,
 * absolute paths outside the root, symlinks resolving outside, loops, special files and secrets.
 */
export const resolve = Effect.fn("PathGuard.resolve")(function* (
  root: string,
  requested: string,
  secrets: SecretMatcher
) {
  const shown = requested === "" ? "." : requested
  if (requested.includes("\0")) return yield* refuse("(invalid)", "refused: the path contains a NUL byte")
  const lexical = path.resolve(root, requested)
  if (!isInside(root, lexical)) {
    return yield* refuse(
      shown,
      path.isAbsolute(requested)
        ? `${shown}: refused, absolute path outside the project root; use a path relative to the project root`
        : `${shown}: refused, the path escapes the project root`
    )
  }
  if (secrets.isHidden(toRel(root, lexical), false)) {
    return yield* refuse(shown, `${shown}: refused, hidden by the project's secret rules`)
  }
  const real = yield* Effect.tryPromise({ try: () => fs.realpath(lexical), catch: (cause) => fsFailure(shown, cause) })
  if (!isInside(root, real)) {
    return yield* refuse(shown, `${shown}: refused, it is a symlink (or goes through one) that resolves outside the project root`)
  }
  const stat = yield* Effect.tryPromise({ try: () => fs.lstat(real, { bigint: false }), catch: (cause) => fsFailure(shown, cause) })
  if (!stat.isFile() && !stat.isDirectory()) return yield* refuse(shown, `${shown}: refused, ${kindRefusal(stat)}`)
  const rel = toRel(root, real)
  if (secrets.isHidden(rel, stat.isDirectory())) {
    return yield* refuse(shown, `${shown}: refused, hidden by the project's secret rules`)
  }
  const target: Target = {
    root,
    abs: real,
    rel,
    kind: stat.isDirectory() ? "dir" : "file",
    size: stat.size,
    dev: stat.dev,
    ino: stat.ino
  }
  return target
})

/** Re-checks a directory after reading it: still a real directory with the same inode. */
export const recheckDir = Effect.fn("PathGuard.recheckDir")(function* (target: Target) {
  const shown = target.rel === "" ? "." : target.rel
  const stat = yield* Effect.tryPromise({ try: () => fs.lstat(target.abs), catch: (cause) => fsFailure(shown, cause) })
  if (!stat.isDirectory() || stat.dev !== target.dev || stat.ino !== target.ino) {
    return yield* refuse(shown, `${shown}: refused, the directory changed while it was being read`)
  }
})
