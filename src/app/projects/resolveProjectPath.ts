import { Effect } from "effect"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { ProjectPathRefused } from "./errors.ts"

const refuse = (raw: string, message: string) => new ProjectPathRefused({ path: raw, message })

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
    return real
  })
