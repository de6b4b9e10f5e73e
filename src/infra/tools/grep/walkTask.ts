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

/**
 * One directory as the walker would walk it (Walker.ts: the same order, `.git`, secret and
 * .gitignore rules, never following a symlink), its files filtered by the glob and searched.
 */
export const walkDirectory = (spec: WalkSpec, task: DirTask): DirResult => {
  const prepared = prepare(spec)
  let entries: Array<Dirent>
  try {
    entries = readdirSync(task.abs, { withFileTypes: true }).sort(byName)
  } catch (cause) {
    return { unreadable: codeOf(cause), subdirs: [], searched: [], files: [] }
  }
  const own = readIgnoreFileSync(task.abs)
  const parent = stackFor(task.ignores)
  const ignores = own === null ? parent : withIgnoreFile(parent, { base: task.rel, text: own })
  const childIgnores = own === null ? task.ignores : filesOf(ignores)
  const subdirs: Array<DirTask> = []
  const searched: Array<DirResult["searched"][number]> = []
  const files: Array<WalkedFile> = []
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
  return { unreadable: null, subdirs, searched, files }
}
