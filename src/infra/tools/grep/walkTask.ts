import { readdirSync, type Dirent } from "node:fs"
import * as path from "node:path"
import { compileGlob } from "../globRule.ts"
import { matcherFrom, type SecretMatcher } from "../secretMatcher.ts"
import { byName, entryShown, filesOf, kindOf, readIgnoreFileSync, stackOf, withIgnoreFile, type IgnoreFile, type IgnoreStack } from "../walkRules.ts"
import { compileSpec, searchPath, type Compiled, type FileResult, type SearchSpec } from "./Search.ts"

/** A walk that runs on the worker threads, one directory per task: plain data both ways. */
export interface WalkSpec {
  readonly root: string
  /** the project's .boocodeignore text (the secret rules are rebuilt from it) */
  readonly projectRules: string
  readonly glob: string | null
  readonly maxDepth: number
  /** null: list matching files only (find_files) */
  readonly search: SearchSpec | null
  /** files searched in the task itself; the rest come back to be sent out in batches */
  readonly inlineFiles: number
}

export interface DirTask {
  readonly abs: string
  readonly rel: string
  /** depth of the directory's entries: 1 for the start directory's */
  readonly depth: number
  readonly ignores: ReadonlyArray<IgnoreFile>
}

export interface WalkedFile {
  readonly abs: string
  readonly rel: string
}

export interface DirResult {
  /** the directory could not be read (its error code); it is then skipped, or refused if it is the start */
  readonly unreadable: string | null
  readonly subdirs: ReadonlyArray<DirTask>
  /** files searched here, with what was found (null: nothing) */
  readonly searched: ReadonlyArray<{ readonly rel: string; readonly result: FileResult }>
  /** files shown and matching the glob, not searched here */
  readonly files: ReadonlyArray<WalkedFile>
}

interface Prepared {
  readonly key: string
  readonly secrets: SecretMatcher
  readonly glob: (rel: string) => boolean
  readonly search: Compiled | null
}

let last: Prepared | null = null
const stacks = new Map<string, IgnoreStack>()

const prepare = (spec: WalkSpec): Prepared => {
  const key = JSON.stringify(spec)
  if (last !== null && last.key === key) return last
  stacks.clear()
  last = {
    key,
    secrets: matcherFrom(spec.projectRules),
    glob: spec.glob === null ? () => true : compileGlob(spec.glob),
    search: spec.search === null ? null : compileSpec(spec.search)
  }
  return last
}

/** The parent's ignore stack, compiled once per walk and thread (its files' texts are the key). */
const stackFor = (files: ReadonlyArray<IgnoreFile>): IgnoreStack => {
  const key = JSON.stringify(files)
  const known = stacks.get(key)
  if (known !== undefined) return known
  const stack = stackOf(files)
  if (stacks.size > 4096) stacks.clear()
  stacks.set(key, stack)
  return stack
}

const codeOf = (cause: unknown) =>
  typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string" ? cause.code : "error"

type Listed = { readonly unreadable: string } | { readonly unreadable: null; readonly subdirs: ReadonlyArray<DirTask> }

/**
 * One directory as the walker would walk it (Walker.ts: the same order, `.git`, secret and
 * .gitignore rules, never following a symlink), its files filtered by the glob and searched
 * while the task's budget lasts; the others are added to `files`.
 */
const walkOne = (spec: WalkSpec, prepared: Prepared, task: DirTask, searched: Array<DirResult["searched"][number]>, files: Array<WalkedFile>): Listed => {
  let entries: Array<Dirent>
  try {
    entries = readdirSync(task.abs, { withFileTypes: true }).sort(byName)
  } catch (cause) {
    return { unreadable: codeOf(cause) }
  }
  // the listing says whether there is a .gitignore to read (a failed open costs an exception)
  const own = entries.some((e) => e.name === ".gitignore") ? readIgnoreFileSync(task.abs) : null
  const parent = stackFor(task.ignores)
  const ignores = own === null ? parent : withIgnoreFile(parent, { base: task.rel, text: own })
  const childIgnores = own === null ? task.ignores : filesOf(ignores)
  const subdirs: Array<DirTask> = []
  for (const dirent of entries) {
    const kind = kindOf(dirent)
    const rel = task.rel === "" ? dirent.name : `${task.rel}/${dirent.name}`
    if (!entryShown(dirent.name, rel, kind === "dir", prepared.secrets, ignores)) continue
    const abs = path.join(task.abs, dirent.name)
    if (kind === "dir") {
      if (task.depth < spec.maxDepth) subdirs.push({ abs, rel, depth: task.depth + 1, ignores: childIgnores })
    } else if (kind === "file" && prepared.glob(rel)) {
      if (prepared.search !== null && searched.length < spec.inlineFiles) searched.push({ rel, result: searchPath(abs, prepared.search) })
      else files.push({ abs, rel })
    }
  }
  return { unreadable: null, subdirs }
}

/** Directories listed in one task at most: small ones are walked on the spot rather than sent back one by one. */
const dirsPerTask = 64
const filesPerListing = 4096

/**
 * A directory and, while the task's budget lasts, the directories below it; the ones not reached
 * come back in `subdirs`. Only the task's own directory reports being unreadable; one below it is
 * skipped, as the walker skips it.
 */
export const walkDirectory = (spec: WalkSpec, task: DirTask): DirResult => {
  const prepared = prepare(spec)
  const searched: Array<DirResult["searched"][number]> = []
  const files: Array<WalkedFile> = []
  const first = walkOne(spec, prepared, task, searched, files)
  if (first.unreadable !== null) return { unreadable: first.unreadable, subdirs: [], searched, files }
  const waiting = [...first.subdirs].reverse()
  let listed = 1
  // searching: until the inline files are used up (the rest go out in batches); listing: a few thousand paths
  const budget = () =>
    listed < dirsPerTask && (prepared.search === null ? files.length < filesPerListing : files.length === 0 && searched.length < spec.inlineFiles)
  while (waiting.length > 0 && budget()) {
    const next = waiting.pop()!
    const listedHere = walkOne(spec, prepared, next, searched, files)
    listed++
    if (listedHere.unreadable === null) for (let i = listedHere.subdirs.length - 1; i >= 0; i--) waiting.push(listedHere.subdirs[i])
  }
  return { unreadable: null, subdirs: waiting.reverse(), searched, files }
}
