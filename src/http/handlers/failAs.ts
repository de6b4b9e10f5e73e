import { Effect } from "effect"
import {
  BadGateway, BadRequest, Conflict, type ErrorBody, GatewayTimeout, NotFound, Unprocessable
} from "../api/errors.ts"

type ErrorClass = { readonly Failure: new (props: { readonly error: ErrorBody }) => unknown }

/** The status each domain error is answered with: the one place the API says it. */
const statusOf = {
  SessionNotFound: NotFound, ProjectNotFound: NotFound, AlternativeNotFound: NotFound, MessageNotFound: NotFound,
  ToolCallNotFound: NotFound,
  SessionBusy: Conflict, NotContinuable: Conflict, SessionAlreadyExists: Conflict, MessageAlreadyExists: Conflict,
  MessageNotOpen: Conflict, DeltaOffsetMismatch: Conflict, ToolCallAlreadyRequested: Conflict,
  ToolResultAlreadyRecorded: Conflict, ProjectAlreadyExists: Conflict, ProjectPathTaken: Conflict, ConcurrencyConflict: Conflict,
  EmptyMessage: BadRequest, WrongMessageRole: BadRequest, InvalidName: BadRequest, InvalidPath: BadRequest,
  ProjectPathRefused: BadRequest,
  CommandIdReused: Unprocessable,
  LlmUnreachable: BadGateway, LlmHttpError: BadGateway, LlmStreamError: BadGateway, LlmModelLoading: BadGateway,
  LlmContextOverflow: BadGateway,
  LlmTimeout: GatewayTimeout
} satisfies Record<string, ErrorClass>

type StatusOf = typeof statusOf
type Known = { readonly _tag: keyof StatusOf; readonly message: string }

/** "SessionNotFound" -> "session_not_found". */
export const snakeCode = (tag: string) => tag.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()

/**
 * Answers each domain error of `effect` as its API error: its tag in snake_case as the code, its
 * message as the message. The result's error type is exactly the API errors it can produce, so an
 * endpoint that does not declare one of them does not compile; an error with no status does not either.
 */
export const answer = <A, E extends Known, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, InstanceType<StatusOf[E["_tag"]]["Failure"]>, R> =>
  Effect.mapError(effect, (e) => {
    const { Failure }: ErrorClass = statusOf[e._tag]
    // The class is the one statusOf names for e._tag, which is what the return type says.
    return new Failure({ error: { code: snakeCode(e._tag), message: e.message } }) as InstanceType<StatusOf[E["_tag"]]["Failure"]>
  })

/**
 * Takes out of a command's error type the errors its types allow but it cannot meet (a reused
 * idempotency key on a command that takes none, say): one would be a bug, so it is a defect.
 */
export const cannotFail =
  <const T extends string>(...tags: ReadonlyArray<T>) =>
  <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, Exclude<E, Extract<E, { readonly _tag: T }>>, R> =>
    Effect.catchIf(effect, (e): e is Extract<E, { readonly _tag: T }> => tags.some((t) => t === e._tag), (e) => Effect.die(e))

/** A command that takes no idempotency key (all but posting a message) cannot reuse one. */
export const answerCommand = <A, E extends Known, R>(effect: Effect.Effect<A, E, R>) =>
  answer(cannotFail("CommandIdReused")(effect))
