import ignore, { type Ignore } from "ignore"
import { constants, closeSync, fstatSync, openSync, readFileSync, type Dirent } from "node:fs"
import * as path from "node:path"
import type { SecretMatcher } from "./secretMatcher.ts"

/*
 * What a walk shows and in which order, as plain code (no Effect): the walker on the event loop
 * and the grep workers on their threads decide each entry with these same functions.
 */

export type EntryKind = "file" | "dir" | "symlink" | "other"

/** How deep grep and find_files walk below their start. */
export const maxWalkDepth = 64

export const kindOf = (entry: Dirent): EntryKind =>
  entry.isSymbolicLink() ? "symlink" : entry.isDirectory() ? "dir" : entry.isFile() ? "file" : "other"

export const byName = (a: Dirent, b: Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

/** The walk's order on root-relative paths: name by name, parents before their contents. */
export const compareWalkOrder = (a: string, b: string): number => {
  const x = a.split("/")
  const y = b.split("/")
  const n = Math.min(x.length, y.length)
  for (let i = 0; i < n; i++) {
    if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1
  }
  return x.length - y.length
}

/** One .gitignore: the root-relative directory holding it ("" for the root) and its text. */
export interface IgnoreFile {
  readonly base: string
  readonly text: string
}

interface Level extends IgnoreFile {
  readonly rules: Ignore
}

/** The .gitignore files from the project root down to one directory, deepest last. */
export interface IgnoreStack {
  readonly levels: ReadonlyArray<Level>
}

export const emptyStack: IgnoreStack = { levels: [] }

export const maxIgnoreFileBytes = 1024 * 1024

/** O_NOFOLLOW and O_NONBLOCK: a .gitignore that is a symlink or a FIFO counts as absent. */
export const ignoreFileFlags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK

export const withIgnoreFile = (stack: IgnoreStack, file: IgnoreFile): IgnoreStack => ({
  levels: [...stack.levels, { ...file, rules: ignore().add(file.text) }]
})

/** The stack again from its files' texts (on another thread). */
export const stackOf = (files: ReadonlyArray<IgnoreFile>): IgnoreStack => files.reduce(withIgnoreFile, emptyStack)

export const filesOf = (stack: IgnoreStack): ReadonlyArray<IgnoreFile> => stack.levels.map(({ base, text }) => ({ base, text }))

/** A directory's .gitignore read synchronously (on a worker thread); null when absent or refused. */
export const readIgnoreFileSync = (dirAbs: string): string | null => {
  let fd: number
  try {
    fd = openSync(path.join(dirAbs, ".gitignore"), ignoreFileFlags)
  } catch {
    return null
  }
  try {
    const stat = fstatSync(fd)
    return stat.isFile() && stat.size <= maxIgnoreFileBytes ? readFileSync(fd, "utf8") : null
  } catch {
    return null
  } finally {
    closeSync(fd)
  }
}

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

/** Whether the walk shows an entry: never `.git`, secrets or gitignored paths. */
export const entryShown = (name: string, rel: string, isDir: boolean, secrets: SecretMatcher, ignores: IgnoreStack): boolean =>
  name !== ".git" && !secrets.isHidden(rel, isDir) && !isIgnored(ignores, rel, isDir)
