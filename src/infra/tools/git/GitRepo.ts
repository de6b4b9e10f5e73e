import { Clock, Effect, Option } from "effect"
import { promises as fs } from "node:fs"
import * as path from "node:path"
import { isInside } from "../PathGuard.ts"
import { gitComplaint, gitEnv, type GitOutput, runGit } from "./GitCommand.ts"
import { ToolError } from "../ToolError.ts"

/** The git work tree a project folder sits in. */
export interface RepoInfo {
  /** real path of the work tree's top */
  readonly top: string
  /** the project root relative to `top`, posix, "" or ending in "/" */
  readonly prefix: string
  /** `-c key=` pairs neutralising every filter.* and diff.* key the repository's config sets */
  readonly overrides: ReadonlyArray<string>
}

/**
 * Values for the diff.* keys that git rejects when empty (it would stop with "bad numeric config
 * value"); each is git's own default. Every other key is overridden with an empty value.
 */
const safeValues: Readonly<Record<string, string>> = {
  "diff.context": "3",
  "diff.interhunkcontext": "0",
  "diff.algorithm": "myers",
  "diff.orderfile": "/dev/null",
  "diff.statgraphwidth": "0",
  "diff.renamelimit": "0",
  "diff.ignoresubmodules": "all",
  "diff.submodule": "short"
}

const neutralised = /^(filter|diff)\./i

const includePath = /^include(if\..*)?\.path$/i

/**
 * `git config --null --show-origin --list`: origin NUL key [LF value] NUL, repeated. The files are
 * every config file read, and every file an include names (read or not yet there: created later,
 * it would bring new keys).
 */
const parseConfigList = (text: string, cwd: string) => {
  const parts = text.split("\0")
  const keys = new Set<string>()
  const files = new Set<string>()
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const origin = parts[i].startsWith("file:") ? path.resolve(cwd, parts[i].slice("file:".length)) : null
    const newline = parts[i + 1].indexOf("\n")
    const key = newline < 0 ? parts[i + 1] : parts[i + 1].slice(0, newline)
    keys.add(key)
    if (origin !== null) files.add(origin)
    if (origin !== null && newline >= 0 && includePath.test(key)) {
      const value = parts[i + 1].slice(newline + 1)
      if (value !== "" && !value.startsWith("~")) files.add(path.resolve(path.dirname(origin), value))
    }
  }
  return { keys: [...keys], files: [...files] }
}

export const overridesFor = (keys: ReadonlyArray<string>): ReadonlyArray<string> =>
  keys.filter((key) => neutralised.test(key)).flatMap((key) => ["-c", `${key}=${safeValues[key.toLowerCase()] ?? ""}`])

const stampOf = (file: string) =>
  Effect.promise(() => fs.stat(file).then((s) => `${s.mtimeMs}:${s.size}:${s.ino}`, () => "missing"))

const stampsOf = (files: ReadonlyArray<string>) => Effect.forEach(files, stampOf, { concurrency: "unbounded" })

interface Cached {
  /** null: the root is not inside a git work tree */
  readonly info: RepoInfo | null
  readonly files: ReadonlyArray<string>
  readonly stamps: ReadonlyArray<string>
  /** a "not a work tree" answer is also asked again after this (ms since the epoch) */
  readonly until: number
}

/**
 * How long "not inside a git work tree" stands while no `.git` appears at the root or above: git
 * can also refuse a repository for reasons no stamp shows (its owner), so it is asked again.
 */
const notARepoMs = 30_000

/** Where git would find a repository for `root`: a `.git` in it or in any folder above. */
const gitEntriesAbove = (root: string): ReadonlyArray<string> => {
  const entries: Array<string> = []
  for (let dir = root; ; dir = path.dirname(dir)) {
    entries.push(path.join(dir, ".git"))
    if (path.dirname(dir) === dir) return entries
  }
}

const failedWith = (output: GitOutput) => new ToolError({ message: `git: ${gitComplaint(output)}` })

/**
 * Finds the work tree of a project root and lists the config keys to neutralise. The answer is
 * kept per root while every config file git read, every file an include names, and HEAD (for
 * conditional includes) are unchanged.
 */
export const makeRepoLookup = (git: string, pathEnv: string) => {
  const env = gitEnv(pathEnv)
  const cache = new Map<string, Cached>()
  const call = (cwd: string, args: ReadonlyArray<string>) => runGit({ git, env, cwd, args, maxBytes: 4 * 1024 * 1024 })

  const listConfig = (root: string) =>
    call(root, ["config", "--null", "--show-origin", "--list"]).pipe(
      Effect.filterOrFail((listed) => listed.code === 0 && !listed.cut, failedWith),
      Effect.map((listed) => parseConfigList(listed.stdout, root))
    )

  const notARepo = (root: string) =>
    Effect.gen(function* () {
      const files = gitEntriesAbove(root)
      const stamps = yield* stampsOf(files)
      const cached: Cached = { info: null, files, stamps, until: (yield* Clock.currentTimeMillis) + notARepoMs }
      return cached
    })

  const discover = Effect.fn("Git.discover")(function* (root: string) {
    // Stamped before git looks: a .git made meanwhile shows at the next lookup.
    const absent = yield* notARepo(root)
    const parsed = yield* call(root, ["rev-parse", "--is-inside-work-tree", "--show-toplevel", "--show-prefix", "--absolute-git-dir"])
    if (parsed.code !== 0) return absent
    const [inside, topShown, , gitDir] = parsed.stdout.split("\n")
    if (inside !== "true" || topShown === undefined || gitDir === undefined || topShown === "") return absent
    const top = yield* Effect.promise(() => fs.realpath(topShown).catch(() => null))
    if (top === null || !isInside(top, root)) return absent
    // Stamped before the keys are read: a change made meanwhile shows at the next lookup.
    const first = yield* listConfig(root)
    const known = [...first.files, path.join(gitDir, "HEAD"), path.join(gitDir, "config"), path.join(gitDir, "config.worktree")]
    const knownStamps = yield* stampsOf(known)
    const config = yield* listConfig(root)
    const added = config.files.filter((file) => !known.includes(file))
    const addedStamps = yield* stampsOf(added)
    const rel = path.relative(top, root).split(path.sep).join("/")
    const cached: Cached = {
      info: { top, prefix: rel === "" ? "" : `${rel}/`, overrides: overridesFor(config.keys) },
      files: [...known, ...added],
      stamps: [...knownStamps, ...addedStamps],
      until: Number.POSITIVE_INFINITY
    }
    return cached
  })

  /**
   * The repository of a real project root, or none when it is not inside a git work tree. Both
   * answers are kept (every turn asks, and starting git blocks the event loop for the fork):
   * a repository while the files git read are unchanged, "none" while no `.git` appears above.
   */
  const lookup = Effect.fn("Git.lookup")(function* (root: string) {
    const cached = cache.get(root)
    if (cached !== undefined && (yield* Clock.currentTimeMillis) < cached.until) {
      const now = yield* stampsOf(cached.files)
      if (now.every((stamp, i) => stamp === cached.stamps[i])) return Option.fromNullable(cached.info)
    }
    const found = yield* discover(root)
    cache.set(root, found)
    return Option.fromNullable(found.info)
  })

  return { lookup, env }
}

export type RepoLookup = ReturnType<typeof makeRepoLookup>
