import { SqlError } from "@effect/sql"
import { Cause, Effect, Option, Schema } from "effect"

/** PostgreSQL did not answer (refused, reset or terminated connection): worth retrying later. */
export class DatabaseUnreachable extends Schema.TaggedError<DatabaseUnreachable>()("DatabaseUnreachable", {
  message: Schema.String
}) {}

/** PostgreSQL answered and refused what the turn tried to write: retrying the same write will not help. */
export class StorageRefused extends Schema.TaggedError<StorageRefused>()("StorageRefused", {
  message: Schema.String
}) {}

export type StorageFailure = DatabaseUnreachable | StorageRefused

/** Node socket errors that mean the server is not there (or went away mid-query). */
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "ENOENT"])
/** SQLSTATEs of a server that is shutting down, restarting or not taking connections. */
const UNAVAILABLE_STATES = new Set(["57P01", "57P02", "57P03", "53300"])
/** What @effect/sql-pg says when it could not get or keep a connection at all. */
const CONNECTION_MESSAGES = ["Failed to acquire connection", "Connection error"]
/** node-postgres' own words for a connection that died under a query. */
const CONNECTION_DIED = /connection terminated|not queryable|connection ended|timeout exceeded when trying to connect/i

const field = (value: unknown, key: string): string | undefined => {
  if (value === null || typeof value !== "object") return undefined
  const found: unknown = Reflect.get(value, key)
  return typeof found === "string" ? found : undefined
}

const isConnectionProblem = (error: SqlError.SqlError): boolean => {
  if (CONNECTION_MESSAGES.some((m) => error.message.startsWith(m))) return true
  const code = field(error.cause, "code")
  if (code !== undefined && (SOCKET_CODES.has(code) || UNAVAILABLE_STATES.has(code) || code.startsWith("08"))) return true
  return CONNECTION_DIED.test(field(error.cause, "message") ?? "")
}

/** The storage problem a cause holds (a SqlError, as a failure or a defect), if it holds one. */
export const storageFailureOf = (cause: Cause.Cause<unknown>): Option.Option<StorageFailure> =>
  Option.map(
    Cause.find(cause, (reason) => {
      const value = reason._tag === "Die" ? reason.defect : reason._tag === "Fail" ? reason.error : undefined
      return value instanceof SqlError.SqlError ? Option.some(value) : Option.none()
    }),
    (error): StorageFailure => {
      const reason = field(error.cause, "message") ?? error.message
      return isConnectionProblem(error) ? new DatabaseUnreachable({ message: reason }) : new StorageRefused({ message: reason })
    }
  )

/** Turns the SqlError defects of a repository call into typed storage failures a turn can act on. */
export const typedStorageFailures = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | StorageFailure, R> =>
  Effect.catchAllCause(effect, (cause): Effect.Effect<never, E | StorageFailure> => {
    const failure = Cause.isInterruptedOnly(cause) ? Option.none() : storageFailureOf(cause)
    return Option.isSome(failure) ? Effect.fail(failure.value) : Effect.failCause(cause)
  })
