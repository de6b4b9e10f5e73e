import { Effect } from "effect"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { ProjectPathRefused } from "./errors.ts"

const refuse = (raw: string, message: string) => new ProjectPathRefused({ path: raw, message })

/**
 * Kernel trees: /proc shows every process's environment (this server's token and API key included),
 * /sys and /dev are devices and kernel settings, not code.
 */
const SYSTEM_TREES = ["/proc", "/sys", "/dev"]

const isWithin = (real: string, tree: string) => real === tree || real.startsWith(`${tree}${path.sep}`)

/** Why a resolved folder may not be a project: the tools would read the whole machine. */
const wholeSystemRefusal = (raw: string, real: string): string | undefined => {
  const named = raw === real ? `"${raw}"` : `"${raw}" (really "${real}")`
  if (path.parse(real).root === real)
    return `${named} is the filesystem root: the tools would read the whole machine; give the project's own folder`
  const tree = SYSTEM_TREES.find((t) => isWithin(real, t))
  if (tree !== undefined)
    return `${named} is inside ${tree}, a kernel tree that exposes the system (and this server's secrets), not code`
  return undefined
}

/** A project folder must be an existing directory given by an absolute path; it is stored as its real path. */
export const resolveProjectPath = (raw: string) =>
  Effect.gen(function* () {
    if (raw.trim() === "") return yield* refuse(raw, "the path is empty: give the project folder's absolute path")
    if (raw.includes("\0")) return yield* refuse(raw, "the path contains a NUL character")
    if (!path.isAbsolute(raw))
      return yield* refuse(raw, `"${raw}" is a relative path: give the project folder's absolute path`)
    const real = yield* Effect.tryPromise({
      try: () => fs.realpath(raw),
      catch: () => refuse(raw, `"${raw}" does not exist (or cannot be read by the server)`)
    })
    const stat = yield* Effect.tryPromise({
      try: () => fs.stat(real),
      catch: () => refuse(raw, `"${raw}" cannot be read by the server`)
    })
    if (!stat.isDirectory()) return yield* refuse(raw, `"${raw}" is not a directory: give the project's folder`)
    const refusal = wholeSystemRefusal(raw, real)
    if (refusal !== undefined) return yield* refuse(raw, refusal)
    return real
  })
