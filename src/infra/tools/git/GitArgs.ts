import { Effect } from "effect"
import * as path from "node:path"
import { refuse } from "../GuardErrors.ts"
import { isInside, toRel } from "../PathGuard.ts"
import { defaultSecretRules, type SecretMatcher } from "../Secrets.ts"
import { PathRefused } from "../ToolError.ts"

const maxRevChars = 256

/**
 * A revision from the model: never an option (a leading `-`), never `rev:path` (files at a revision
 * go through the `path` argument, under the path guard), no control characters.
 */
export const checkRev = (name: string, rev: string): Effect.Effect<string, PathRefused> => {
  const refused = (why: string) => Effect.fail(new PathRefused({ path: rev.slice(0, 80), message: `${name} ${JSON.stringify(rev.slice(0, 80))}: refused, ${why}` }))
  if (rev === "") return refused("it is empty")
  if (rev.length > maxRevChars) return refused(`longer than ${maxRevChars} characters`)
  if (rev.startsWith("-")) return refused("a revision may not start with '-'")
  if (/[\u0000-\u001f\u007f]/.test(rev)) return refused("it contains a control character")
  if (rev.includes(":")) return refused("':' is not allowed; to see a file at a revision, pass rev and path separately")
  return Effect.succeed(rev)
}

/** `rev^{commit}`: git must find a commit there, never a tree or a blob. */
export const peel = (rev: string): string => `${rev}^{commit}`

/** A log revision may be a range (`a..b`, `a...b`); each side is peeled to a commit. */
export const peelRange = (rev: string): string => {
  const match = /^(.*?)(\.\.\.?)(.*)$/.exec(rev)
  if (match === null) return peel(rev)
  const [, left, dots, right] = match
  return `${left === "" ? "" : peel(left)}${dots}${right === "" ? "" : peel(right)}`
}

/** A path in the repository's history, checked like the path guard checks the disk. */
export interface RepoPath {
  /** relative to the project root, posix; "" for the root itself */
  readonly rel: string
  /** a literal pathspec, relative to the project root (git runs there) */
  readonly pathspec: string
}

/**
 * The lexical half of the path guard, for paths that may exist only in history: no NUL, no escape
 * from the project root, nothing the secret rules hide (as a file or as a folder).
 */
export const repoPath = (root: string, requested: string, secrets: SecretMatcher): Effect.Effect<RepoPath, PathRefused> => {
  const shown = requested === "" ? "." : requested
  if (requested.includes("\0")) return Effect.fail(refuse("(invalid)", "refused: the path contains a NUL byte"))
  const lexical = path.resolve(root, requested)
  if (!isInside(root, lexical)) {
    return Effect.fail(
      refuse(shown, path.isAbsolute(requested)
        ? `${shown}: refused, absolute path outside the project root; use a path relative to the project root`
        : `${shown}: refused, the path escapes the project root`)
    )
  }
  const rel = toRel(root, lexical)
  if (secrets.isHidden(rel, false) || secrets.isHidden(rel, true)) {
    return Effect.fail(refuse(shown, `${shown}: refused, hidden by the project's secret rules`))
  }
  return Effect.succeed({ rel, pathspec: rel === "" ? "." : `:(literal)${rel}` })
}

/**
 * The default secret rules as exclude pathspecs, so git leaves those files out of a diff. Rules a
 * project adds in .boocodeignore (negations included) are applied to the diff's sections after.
 */
export const secretExcludes: ReadonlyArray<string> = defaultSecretRules.flatMap((rule) => {
  const dir = rule.endsWith("/")
  const body = dir ? rule.slice(0, -1) : rule
  const glob = `:(exclude,glob)${body.includes("/") ? "" : "**/"}${body}`
  return dir ? [`${glob}/**`] : [glob, `${glob}/**`]
})
