import { ParseResult, Schema } from "effect"
import { toStorable } from "../../domain/storableText.ts"
import { count } from "./Format.ts"

/** An integer argument, inlined in the JSON Schema (Schema.Int would become a $ref). */
export const intArg = (min: number, max?: number) =>
  max === undefined
    ? Schema.Number.pipe(Schema.int(), Schema.greaterThanOrEqualTo(min))
    : Schema.Number.pipe(Schema.int(), Schema.between(min, max))

const PREVIEW_CHARS = 200
const ISSUE_CHARS = 120
const MAX_ISSUES = 5

/** The first `max` characters, never ending inside a surrogate pair; null when nothing was cut. */
const head = (text: string, max: number): string | null => {
  if (text.length <= max) return null
  const cut = text.slice(0, max)
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut
}

/**
 * The raw arguments a model sent, cut to about 200 characters, so an "invalid arguments" error
 * shows the model what it wrote.
 */
export const argumentsPreview = (raw: string): string => {
  if (raw.trim() === "") return "(nothing)"
  const cut = head(raw, PREVIEW_CHARS)
  return cut === null ? toStorable(raw) : `${toStorable(cut)}… (${count(raw.length)} characters in all)`
}

/**
 * What is wrong with the arguments, one short line per field ("context: Expected number, actual
 * \"2\""). Optional fields also report "Expected undefined", which only adds noise.
 */
export const argumentIssues = (error: ParseResult.ParseError): string => {
  const all = ParseResult.ArrayFormatter.formatErrorSync(error)
  const useful = all.filter((issue) => !issue.message.startsWith("Expected undefined,"))
  const lines = [...new Set((useful.length > 0 ? useful : all).map((issue) => {
    const message = head(issue.message, ISSUE_CHARS)
    const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : ""
    return toStorable(`${where}${message === null ? issue.message : `${message}…`}`)
  }))]
  const more = lines.length > MAX_ISSUES ? `; and ${lines.length - MAX_ISSUES} more` : ""
  return lines.slice(0, MAX_ISSUES).join("; ") + more
}
