import { Effect } from "effect"
import { promises as fs } from "node:fs"
import * as path from "node:path"
import { emptyStack, ignoreFileFlags, maxIgnoreFileBytes, withIgnoreFile, type IgnoreStack } from "./walkRules.ts"

export { emptyStack, isIgnored, type IgnoreStack } from "./walkRules.ts"

/** Reads a directory's .gitignore; a symlink, special file or one over 1 MB counts as absent. */
const readRules = (dirAbs: string) =>
  Effect.tryPromise(async () => {
    const handle = await fs.open(path.join(dirAbs, ".gitignore"), ignoreFileFlags)
    try {
      const stat = await handle.stat()
      return stat.isFile() && stat.size <= maxIgnoreFileBytes ? await handle.readFile({ encoding: "utf8" }) : null
    } finally {
      await handle.close()
    }
  }).pipe(Effect.orElseSucceed(() => null))

/** Adds the .gitignore of `dirAbs` (root-relative `dirRel`), if there is one. */
export const enter = (stack: IgnoreStack, dirAbs: string, dirRel: string): Effect.Effect<IgnoreStack> =>
  Effect.map(readRules(dirAbs), (text) =>
    text === null ? stack : withIgnoreFile(stack, { base: dirRel, text })
  )

/** The stack for a directory below the root: loads every .gitignore from the root down to it. */
export const stackFor = Effect.fn("GitIgnore.stackFor")(function* (root: string, dirRel: string) {
  let stack = yield* enter(emptyStack, root, "")
  if (dirRel === "") return stack
  const parts = dirRel.split("/")
  for (let i = 1; i <= parts.length; i++) {
    const rel = parts.slice(0, i).join("/")
    stack = yield* enter(stack, path.join(root, ...parts.slice(0, i)), rel)
  }
  return stack
})
