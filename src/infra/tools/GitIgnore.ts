import { Effect } from "effect"
import ignore, { type Ignore } from "ignore"
import { constants, promises as fs } from "node:fs"
import * as path from "node:path"

interface Level {
  /** root-relative posix path of the directory holding the .gitignore ("" for the root) */
  readonly base: string
  readonly rules: Ignore
}

/** The .gitignore files from the project root down to one directory, deepest last. */
export interface IgnoreStack {
  readonly levels: ReadonlyArray<Level>
}

const maxIgnoreFileBytes = 1024 * 1024

export const emptyStack: IgnoreStack = { levels: [] }

/** Reads a directory's .gitignore; a symlink, special file or one over 1 MB counts as absent. */
const readRules = (dirAbs: string) =>
  Effect.tryPromise(async () => {
    const handle = await fs.open(path.join(dirAbs, ".gitignore"), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
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
    text === null ? stack : { levels: [...stack.levels, { base: dirRel, rules: ignore().add(text) }] }
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

/** Git semantics: deeper files override shallower ones; `!` re-includes. */
export const isIgnored = (stack: IgnoreStack, rel: string, isDir: boolean): boolean => {
  let ignored = false
  for (const level of stack.levels) {
    const local = level.base === "" ? rel : rel.startsWith(`${level.base}/`) ? rel.slice(level.base.length + 1) : null
    if (local === null || local === "" || !ignore.isPathValid(local)) continue
    const result = level.rules.test(isDir ? `${local}/` : local)
    if (result.ignored) ignored = true
    else if (result.unignored) ignored = false
  }
  return ignored
}
