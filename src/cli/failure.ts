import { SqlError } from "@effect/sql"
import { ValidationError } from "@effect/cli"
import { Cause, ConfigError, Effect, Option } from "effect"

/** The innermost message of an error chain (pg's "connect ECONNREFUSED 127.0.0.1:5432" under SqlError). */
const rootMessage = (error: unknown): string => {
  let current: unknown = error
  for (let depth = 0; depth < 8; depth++) {
    const next: unknown = current !== null && typeof current === "object" ? Reflect.get(current, "cause") : undefined
    if (next === undefined || next === null || typeof next !== "object") break
    current = next
  }
  const message: unknown = current !== null && typeof current === "object" ? Reflect.get(current, "message") : undefined
  return typeof message === "string" && message !== "" ? message : String(current)
}

const firstLine = (text: string) => text.split("\n")[0].trim()

/** One line for a failure a user can act on; None for a bug, which is logged whole. */
export const describeFailure = (cause: Cause.Cause<unknown>): Option.Option<string> => {
  const errors = [...Cause.failures(cause), ...Cause.defects(cause)]
  const sql = errors.find((e): e is SqlError.SqlError => e instanceof SqlError.SqlError)
  if (sql !== undefined)
    return Option.some(
      sql.message.includes("connect")
        ? `boocode: the database did not answer: ${firstLine(rootMessage(sql))}`
        : `boocode: database error: ${firstLine(rootMessage(sql))}`
    )
  const failure = Cause.failureOption(cause)
  if (Option.isNone(failure)) return Option.none()
  const error = failure.value
  // @effect/cli has printed its own explanation already.
  if (ValidationError.isValidationError(error)) return Option.some("")
  if (ConfigError.isConfigError(error)) return Option.some(`boocode: bad setting: ${firstLine(String(error))}`)
  const message: unknown = error !== null && typeof error === "object" ? Reflect.get(error, "message") : undefined
  return typeof message === "string" && message !== "" ? Option.some(`boocode: ${firstLine(message).replace(/^BooCode: /, "")}`) : Option.none()
}

/** The CLI's edge: an interruption is quiet, a known failure is one line on stderr, a bug is logged whole. */
export const reportCliFailure = (cause: Cause.Cause<unknown>) => {
  if (Cause.isInterruptedOnly(cause)) return Effect.void
  return Option.match(describeFailure(cause), {
    onNone: () => Effect.logError(cause),
    onSome: (line) => (line === "" ? Effect.void : Effect.sync(() => process.stderr.write(line + "\n")))
  })
}
