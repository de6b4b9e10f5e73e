import { Effect } from "effect"
import {
  type ApiError, BadGateway, BadRequest, Conflict, GatewayTimeout, NotFound, Unprocessable
} from "../api/errors.ts"

type Make = new (props: { readonly error: { readonly code: string; readonly message: string } }) => ApiError

const byTag: Readonly<Record<string, Make>> = {
  SessionNotFound: NotFound, ProjectNotFound: NotFound, AlternativeNotFound: NotFound, MessageNotFound: NotFound, ToolCallNotFound: NotFound,
  SessionBusy: Conflict, NotContinuable: Conflict, SessionAlreadyExists: Conflict, MessageAlreadyExists: Conflict, MessageNotOpen: Conflict,
  DeltaOffsetMismatch: Conflict, ToolCallAlreadyRequested: Conflict, ToolResultAlreadyRecorded: Conflict,
  ProjectAlreadyExists: Conflict, ProjectPathTaken: Conflict, ConcurrencyConflict: Conflict,
  EmptyMessage: BadRequest, WrongMessageRole: BadRequest, InvalidName: BadRequest, InvalidPath: BadRequest,
  ProjectPathRefused: BadRequest,
  CommandIdReused: Unprocessable,
  LlmUnreachable: BadGateway, LlmHttpError: BadGateway, LlmStreamError: BadGateway, LlmModelLoading: BadGateway,
  LlmContextOverflow: BadGateway,
  LlmTimeout: GatewayTimeout
}

/** "SessionNotFound" -> "session_not_found". */
export const snakeCode = (tag: string) => tag.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()

/** A domain or infrastructure error as the API's `{error: {code, message}}` with its status. */
export const toApiError = (e: { readonly _tag: string; readonly message: string }): ApiError => {
  const make = byTag[e._tag] ?? BadRequest
  return new make({ error: { code: snakeCode(e._tag), message: e.message } })
}

/** Maps every typed failure of `effect` to an API error. */
export const api = <A, E extends { readonly _tag: string; readonly message: string }, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, ApiError, R> =>
  effect.pipe(
    Effect.mapError(toApiError),
    Effect.tapDefect((cause) => Effect.logError("request failed with a defect", cause))
  )
