import { Schema } from "effect"

/** A path the guard will not open; the message is written for the model. */
export class PathRefused extends Schema.TaggedError<PathRefused>()("PathRefused", {
  path: Schema.String,
  message: Schema.String
}) {}

/** Any other tool failure the model should read (bad pattern, IO error...). */
export class ToolError extends Schema.TaggedError<ToolError>()("ToolError", {
  message: Schema.String
}) {}

export type ToolFailure = PathRefused | ToolError

const errnoCode = Schema.Struct({ code: Schema.String })
const decodeCode = Schema.decodeUnknownOption(errnoCode)

/** The errno code of a Node fs error (ENOENT, ELOOP...), or "UNKNOWN". */
export const codeOf = (cause: unknown): string => {
  const decoded = decodeCode(cause)
  return decoded._tag === "Some" ? decoded.value.code : "UNKNOWN"
}
