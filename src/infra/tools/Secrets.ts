import { Effect } from "effect"
import { matcherFrom, projectIgnoreFile, type SecretMatcher } from "./secretMatcher.ts"
import { constants, promises as fs } from "node:fs"
import * as path from "node:path"
import { ToolError, codeOf } from "./ToolError.ts"

export { defaultSecretRules, matcherFrom, projectIgnoreFile, type SecretMatcher } from "./secretMatcher.ts"

interface CacheEntry {
  readonly stamp: string
  readonly matcher: SecretMatcher
}

/** Loads the secret rules of a project, re-reading .boocodeignore only when its mtime/size change. */
export const makeSecretRules = Effect.sync(() => {
  const cache = new Map<string, CacheEntry>()
  const none = matcherFrom("")

  const forRoot = Effect.fn("Secrets.forRoot")(function* (root: string) {
    const file = path.join(root, projectIgnoreFile)
    const stat = yield* Effect.tryPromise({
      try: () => fs.lstat(file),
      catch: (cause) => cause
    }).pipe(
      Effect.map((s) => (s.isFile() ? s : null)),
      Effect.catchAll((cause) =>
        codeOf(cause) === "ENOENT"
          ? Effect.succeed(null)
          : Effect.fail(new ToolError({ message: `cannot read ${projectIgnoreFile}: ${codeOf(cause)}` }))
      )
    )
    if (stat === null) return none
    if (stat.size > 1024 * 1024) return yield* new ToolError({ message: `${projectIgnoreFile} is larger than 1 MB; shorten it` })
    const stamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`
    const cached = cache.get(root)
    if (cached !== undefined && cached.stamp === stamp) return cached.matcher
    const text = yield* Effect.tryPromise({
      try: () => fs.readFile(file, { encoding: "utf8", flag: constants.O_RDONLY | constants.O_NOFOLLOW }),
      catch: (cause) => new ToolError({ message: `cannot read ${projectIgnoreFile}: ${codeOf(cause)}` })
    })
    const matcher = matcherFrom(text)
    cache.set(root, { stamp, matcher })
    return matcher
  })

  return { forRoot }
})

export type SecretRules = Effect.Effect.Success<typeof makeSecretRules>
