import { Effect } from "effect"
import { constants, promises as fs } from "node:fs"
import type { FileHandle } from "node:fs/promises"
import * as path from "node:path"
import type { Scope } from "effect"
import type { SecretMatcher } from "./Secrets.ts"
import { PathRefused, ToolError, codeOf } from "./ToolError.ts"

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

/** O_NOFOLLOW: a final component swapped for a symlink fails; O_NONBLOCK: a FIFO never blocks open. */
export const openFlags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK

/** Containment on path-segment boundaries: /x/proj2 is not inside /x/proj. */
export const isInside = (root: string, candidate: string): boolean => {
  if (candidate === root) return true
  const prefix = root.endsWith(path.sep) ? root : root + path.sep
  return candidate.startsWith(prefix)
}

export const toRel = (root: string, abs: string): string => path.relative(root, abs).split(path.sep).join("/")

const refuse = (requested: string, message: string) => new PathRefused({ path: requested, message })

const fsFailure = (requested: string, cause: unknown): PathRefused | ToolError => {
  const code = codeOf(cause)
  switch (code) {
    case "ENOENT":
      return refuse(requested, `${requested}: no such file or directory`)
    case "ELOOP":
      return refuse(requested, `${requested}: refused, symlink loop (or a symlink where none is allowed)`)
    case "ENOTDIR":
      return refuse(requested, `${requested}: a component of the path is not a directory`)
    case "EACCES":
    case "EPERM":
      return refuse(requested, `${requested}: permission denied`)
    case "ENAMETOOLONG":
      return refuse(requested, `${requested}: path too long`)
    default:
      return new ToolError({ message: `${requested}: cannot access (${code})` })
  }
}

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

const kindRefusal = (stat: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }) =>
  stat.isFIFO()
    ? "is a FIFO (named pipe)"
    : stat.isSocket()
      ? "is a socket"
      : stat.isCharacterDevice() || stat.isBlockDevice()
        ? "is a device"
        : "is not a regular file or directory"

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

/** Where the kernel says an open descriptor points (Linux); null when /proc is unavailable. */
const fdPath = (fd: number): Promise<string | null> => fs.readlink(`/proc/self/fd/${fd}`).catch(() => null)

export interface Expected {
  readonly root: string
  readonly shown: string
  readonly dev: number | null
  readonly ino: number | null
}

type Checked = { readonly ok: true; readonly size: number } | { readonly ok: false; readonly refusal: string }

/**
 * The check after open: a regular file, the same inode the check saw (when known), and, where
 * /proc exists, the kernel's own path for the descriptor must be inside the root.
 */
const checkOpened = async (handle: FileHandle, expected: Expected): Promise<Checked> => {
  const stat = await handle.stat()
  if (!stat.isFile()) return { ok: false, refusal: `${expected.shown}: refused, ${kindRefusal(stat)}` }
  if ((expected.dev !== null && stat.dev !== expected.dev) || (expected.ino !== null && stat.ino !== expected.ino)) {
    return { ok: false, refusal: `${expected.shown}: refused, the file changed while it was being opened` }
  }
  const actual = await fdPath(handle.fd)
  if (actual !== null && !isInside(expected.root, actual)) {
    return { ok: false, refusal: `${expected.shown}: refused, the opened file is outside the project root` }
  }
  return { ok: true, size: stat.size }
}

export const verifyOpened = Effect.fn("PathGuard.verifyOpened")(function* (handle: FileHandle, expected: Expected) {
  const checked = yield* Effect.tryPromise({ try: () => checkOpened(handle, expected), catch: (cause) => fsFailure(expected.shown, cause) })
  if (!checked.ok) return yield* refuse(expected.shown, checked.refusal)
  return checked.size
})

export type WalkedRead =
  | { readonly _tag: "Text"; readonly bytes: Buffer }
  | { readonly _tag: "Skipped"; readonly reason: "large" | "binary" | "refused" }

/**
 * The grep hot path as one promise: open a walked file (no follow, non-blocking), verify the
 * descriptor, read at most maxBytes, close. Binary (NUL in the first 8 KB) and oversized files are
 * skipped. The signal aborts between steps.
 */
export const readWalkedFile = async (root: string, abs: string, maxBytes: number, signal: AbortSignal): Promise<WalkedRead> => {
  const handle = await fs.open(abs, openFlags)
  try {
    const checked = await checkOpened(handle, { root, shown: abs, dev: null, ino: null })
    if (!checked.ok || signal.aborted) return { _tag: "Skipped", reason: "refused" }
    const large = checked.size > maxBytes
    const wanted = large ? Math.min(checked.size, 8192) : checked.size
    const buffer = Buffer.allocUnsafe(wanted)
    let filled = 0
    while (filled < wanted && !signal.aborted) {
      const { bytesRead } = await handle.read(buffer, filled, wanted - filled, filled)
      if (bytesRead === 0) break
      filled += bytesRead
    }
    const bytes = buffer.subarray(0, filled)
    if (bytes.includes(0)) return { _tag: "Skipped", reason: "binary" }
    return large ? { _tag: "Skipped", reason: "large" } : { _tag: "Text", bytes }
  } finally {
    await handle.close()
  }
}

const openHandle = (abs: string, shown: string) =>
  Effect.acquireRelease(
    Effect.tryPromise({ try: () => fs.open(abs, openFlags), catch: (cause) => fsFailure(shown, cause) }),
    (handle) => Effect.promise(() => handle.close()).pipe(Effect.ignore)
  )

/** Opens a resolved file target and verifies the descriptor is the file that was checked. */
export const openTarget = (target: Target): Effect.Effect<FileHandle, PathRefused | ToolError, Scope.Scope> =>
  Effect.gen(function* () {
    const shown = target.rel === "" ? "." : target.rel
    if (target.kind !== "file") return yield* refuse(shown, `${shown}: is a directory; use list_dir`)
    const handle = yield* openHandle(target.abs, shown)
    yield* verifyOpened(handle, { root: target.root, shown, dev: target.dev, ino: target.ino })
    return handle
  }).pipe(Effect.withSpan("PathGuard.openTarget"))

/** Opens a file met during a walk (never followed through a symlink) and verifies it. */
export const openWalked = (
  root: string,
  abs: string
): Effect.Effect<{ readonly handle: FileHandle; readonly size: number }, PathRefused | ToolError, Scope.Scope> =>
  Effect.gen(function* () {
    const shown = toRel(root, abs)
    const handle = yield* openHandle(abs, shown)
    const size = yield* verifyOpened(handle, { root, shown, dev: null, ino: null })
    return { handle, size }
  })

/** Re-checks a directory after reading it: still a real directory with the same inode. */
export const recheckDir = Effect.fn("PathGuard.recheckDir")(function* (target: Target) {
  const shown = target.rel === "" ? "." : target.rel
  const stat = yield* Effect.tryPromise({ try: () => fs.lstat(target.abs), catch: (cause) => fsFailure(shown, cause) })
  if (!stat.isDirectory() || stat.dev !== target.dev || stat.ino !== target.ino) {
    return yield* refuse(shown, `${shown}: refused, the directory changed while it was being read`)
  }
})
