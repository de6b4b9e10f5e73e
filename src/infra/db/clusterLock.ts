import { Clock, Duration, Effect, Either, Option, Schema, type Scope } from "effect"
import { randomUUID } from "node:crypto"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { EmbeddedPostgresError } from "./EmbeddedPostgresError.ts"

/**
 * Who runs the embedded cluster of a data folder: the process that started it (its pid, and its
 * start time so that a reused pid is not taken for it) and the port it listens on (null while it
 * is starting). Kept in `<data folder>/cluster.lock`.
 */
export const ClusterLock = Schema.Struct({
  pid: Schema.Int,
  started: Schema.NullOr(Schema.String),
  port: Schema.NullOr(Schema.Int)
})
export type ClusterLock = typeof ClusterLock.Type

const decodeLock = Schema.decodeUnknownEither(Schema.parseJson(ClusterLock))
const encodeLock = (lock: ClusterLock) => `${JSON.stringify(lock)}\n`

export const lockPathOf = (dataDir: string) => path.join(dataDir, "cluster.lock")

/** The kernel's start time of a process (field 22 of /proc/<pid>/stat), none without /proc. */
export const processStartTime = (pid: number) =>
  Effect.promise(() => fs.readFile(`/proc/${pid}/stat`, "utf8").catch(() => "")).pipe(
    Effect.map((stat) => {
      // The command name (field 2) is in parentheses and may hold spaces: count from after it.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
      return Option.fromNullable(fields[19]).pipe(Option.filter((s) => /^\d+$/.test(s)))
    })
  )

export const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return e instanceof Error && "code" in e && e.code === "EPERM"
  }
}

/** Whether the process a lock names is still the one that wrote it. */
export const ownerAlive = (lock: ClusterLock) =>
  Effect.gen(function* () {
    if (!pidAlive(lock.pid)) return false
    if (lock.started === null) return true
    const started = yield* processStartTime(lock.pid)
    return Option.match(started, { onNone: () => true, onSome: (s) => s === lock.started })
  })

export type Claim =
  | {
      readonly _tag: "Owner"
      /** Publishes the port once the cluster accepts connections (and its database exists). */
      readonly recordPort: (port: number) => Effect.Effect<void, EmbeddedPostgresError>
    }
  | { readonly _tag: "Guest"; readonly port: number; readonly ownerPid: number }

const lockError = (what: string) => (e: unknown) =>
  new EmbeddedPostgresError({ message: `cluster lock: ${what} failed: ${e instanceof Error ? e.message : String(e)}` })

const readLock = (lockPath: string) =>
  Effect.promise(() => fs.readFile(lockPath, "utf8").then((text): string | null => text, () => null))

/** Writes `lock` to a temporary file and renames it over the lock: readers never see half a file. */
const replaceLock = (lockPath: string, lock: ClusterLock) =>
  Effect.tryPromise({
    try: async () => {
      const temp = `${lockPath}.${randomUUID()}`
      await fs.writeFile(temp, encodeLock(lock))
      await fs.rename(temp, lockPath)
    },
    catch: lockError("write")
  })

/** Creates the lock only if there is none (hard link of a complete file: atomic, never half-written). */
const createLock = (lockPath: string, lock: ClusterLock) =>
  Effect.tryPromise({
    try: async () => {
      const temp = `${lockPath}.${randomUUID()}`
      await fs.writeFile(temp, encodeLock(lock))
      try {
        await fs.link(temp, lockPath)
        return true
      } catch (e) {
        if (e instanceof Error && "code" in e && e.code === "EEXIST") return false
        throw e
      } finally {
        await fs.unlink(temp).catch(() => undefined)
      }
    },
    catch: lockError("create")
  })

/** Removes the lock only if it still holds `text` (another newcomer may have replaced it meanwhile). */
const removeIfUnchanged = (lockPath: string, text: string) =>
  Effect.promise(async () => {
    const now = await fs.readFile(lockPath, "utf8").catch(() => null)
    if (now === text) await fs.unlink(lockPath).catch(() => undefined)
  })

/**
 * Becomes the owner of the data folder's cluster, or joins the running one. A lock whose process
 * is gone (crashed, killed, or its pid reused by another program) is taken over. While the owner
 * is still starting its cluster (no port yet), waits up to `wait`. The owner's lock is removed when
 * the scope closes.
 */
export const claimCluster = (
  dataDir: string,
  wait: Duration.DurationInput = "60 seconds"
): Effect.Effect<Claim, EmbeddedPostgresError, Scope.Scope> =>
  Effect.gen(function* () {
    const lockPath = lockPathOf(dataDir)
    const started = yield* processStartTime(process.pid)
    const mine: ClusterLock = { pid: process.pid, started: Option.getOrNull(started), port: null }
    const deadline = (yield* Clock.currentTimeMillis) + Duration.toMillis(Duration.decode(wait))
    let unreadableSince: number | null = null
    while ((yield* Clock.currentTimeMillis) < deadline) {
      if (yield* createLock(lockPath, mine)) {
        yield* Effect.addFinalizer(() =>
          Effect.promise(async () => {
            const text = await fs.readFile(lockPath, "utf8").catch(() => "")
            const held = decodeLock(text)
            if (Either.isRight(held) && held.right.pid === process.pid) await fs.unlink(lockPath).catch(() => undefined)
          })
        )
        return { _tag: "Owner", recordPort: (port: number) => replaceLock(lockPath, { ...mine, port }) } satisfies Claim
      }
      const text = yield* readLock(lockPath)
      if (text === null) continue
      const lock = decodeLock(text)
      if (Either.isLeft(lock)) {
        // Not ours to understand (an older format, a stray edit): give it a moment, then replace it.
        const now = yield* Clock.currentTimeMillis
        unreadableSince ??= now
        if (now - unreadableSince > 2_000) {
          yield* Effect.logWarning(`replacing an unreadable ${lockPath}`)
          yield* removeIfUnchanged(lockPath, text)
        } else yield* Effect.sleep("100 millis")
        continue
      }
      unreadableSince = null
      const owner = lock.right
      if (!(yield* ownerAlive(owner))) {
        yield* Effect.logInfo(`the process that ran the cluster in ${dataDir} (pid ${owner.pid}) is gone; taking it over`)
        yield* removeIfUnchanged(lockPath, text)
        continue
      }
      if (owner.port !== null) return { _tag: "Guest", port: owner.port, ownerPid: owner.pid } satisfies Claim
      yield* Effect.sleep("100 millis")
    }
    return yield* new EmbeddedPostgresError({
      message: `the PostgreSQL in ${dataDir} is being started by another process that did not finish within ${Duration.format(wait)}; try again`
    })
  })
