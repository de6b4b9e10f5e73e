import type { SecretMatcher } from "../Secrets.ts"

const escapes: Readonly<Record<string, number>> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 }

/** Reads one C-quoted name as git writes it (core.quotePath), from `text[start]` = '"'; null if malformed. */
const unquote = (text: string, start: number): { readonly value: string; readonly end: number } | null => {
  const bytes: Array<number> = []
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]
    if (c === '"') return { value: Buffer.from(bytes).toString("utf8"), end: i + 1 }
    if (c !== "\\") {
      bytes.push(...Buffer.from(c, "utf8"))
      continue
    }
    const next = text[i + 1]
    if (next !== undefined && /[0-7]/.test(next)) {
      bytes.push(parseInt(text.slice(i + 1, i + 4), 8))
      i += 3
    } else if (next !== undefined && escapes[next] !== undefined) {
      bytes.push(escapes[next])
      i += 1
    } else return null
  }
  return null
}

/**
 * The path named by a `diff --git a/P b/P` header. Renames are off, so both sides name the same
 * path; a header that cannot be read that way gives null (and its section is dropped).
 */
export const headerPath = (line: string): string | null => {
  const rest = line.slice("diff --git ".length)
  if (rest.startsWith('"')) {
    const left = unquote(rest, 0)
    if (left === null || rest[left.end] !== " " || rest[left.end + 1] !== '"') return null
    const right = unquote(rest, left.end + 1)
    if (right === null || right.end !== rest.length || !left.value.startsWith("a/") || right.value !== `b/${left.value.slice(2)}`) return null
    return left.value.slice(2)
  }
  const n = (rest.length - 5) / 2
  if (!Number.isInteger(n) || n <= 0) return null
  const p = rest.slice(2, 2 + n)
  return rest === `a/${p} b/${p}` ? p : null
}

export interface FilteredDiff {
  readonly lines: ReadonlyArray<string>
  /** sections left out because the secret rules hide their file (or their header was unreadable) */
  readonly hidden: number
}

/** Drops every file section of a diff whose path the secret rules hide; what comes before the first section stays. */
export const dropHiddenSections = (text: string, secrets: SecretMatcher): FilteredDiff => {
  const kept: Array<string> = []
  let hidden = 0
  let keeping = true
  for (const line of text.split("\n")) {
    if (line.startsWith("diff --")) {
      const p = line.startsWith("diff --git ") ? headerPath(line) : null
      keeping = p !== null && !secrets.isHidden(p, false)
      if (!keeping) hidden++
    }
    if (keeping) kept.push(line)
  }
  if (kept.length > 0 && kept[kept.length - 1] === "") kept.pop()
  return { lines: kept, hidden }
}
