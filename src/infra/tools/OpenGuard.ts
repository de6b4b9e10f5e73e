import { Effect } from "effect"
import type { Scope } from "effect"
import { constants, promises as fs } from "node:fs"
import type { FileHandle } from "node:fs/promises"
import { fsFailure, kindRefusal, refuse } from "./GuardErrors.ts"
import { isInside, type Target } from "./PathGuard.ts"
import type { Limiter } from "./Limiter.ts"
import type { PathRefused, ToolError } from "./ToolError.ts"

/** Reads above this size take a permit from the caller's limiter. */
export const bigFileBytes = 1024 * 1024

/** O_NOFOLLOW: a final component swapped for a symlink fails; O_NONBLOCK: a FIFO never blocks open. */
export const openFlags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK

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

export const verifyOpened = Effect.fn("OpenGuard.verifyOpened")(function* (handle: FileHandle, expected: Expected) {
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
export const readWalkedFile = async (
  root: string,
  abs: string,
  maxBytes: number,
  bigReads: Limiter,
  signal: AbortSignal
): Promise<WalkedRead> => {
  const handle = await fs.open(abs, openFlags)
  try {
    const checked = await checkOpened(handle, { root, shown: abs, dev: null, ino: null })
    if (!checked.ok || signal.aborted) return { _tag: "Skipped", reason: "refused" }
    const large = checked.size > maxBytes
    const wanted = large ? Math.min(checked.size, 8192) : checked.size
    const readAll = async () => {
      const buffer = Buffer.allocUnsafe(wanted)
      let filled = 0
      while (filled < wanted && !signal.aborted) {
        const { bytesRead } = await handle.read(buffer, filled, wanted - filled, filled)
        if (bytesRead === 0) break
        filled += bytesRead
      }
      return buffer.subarray(0, filled)
    }
    // many small files read at once, but only a few big ones: memory stays bounded
    const bytes = wanted > bigFileBytes ? await bigReads.run(readAll) : await readAll()
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
  }).pipe(Effect.withSpan("OpenGuard.openTarget"))
