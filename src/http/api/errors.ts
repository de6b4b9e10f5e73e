import { HttpApiSchema } from "@effect/platform"
import { Data, Schema } from "effect"

/**
 * The one error shape of the API, as the wire carries it: `{"error": {"code", "message"}}`, `code`
 * in snake_case. Each status has its own error class (HttpApi picks the status by class) and a
 * schema encoding it to exactly that shape; endpoints list the ones they can answer. The `_tag`
 * keeps the classes apart (for the compiler and catchTag); it is never encoded.
 */
export const ErrorBody = Schema.Struct({
  code: Schema.String.annotations({ description: "What went wrong, in snake_case (e.g. session_not_found)" }),
  message: Schema.String.annotations({ description: "The same in plain words, naming the field at fault when there is one" })
}).annotations({ identifier: "ErrorBody" })
export type ErrorBody = typeof ErrorBody.Type

const Wire = Schema.Struct({ error: ErrorBody })

/**
 * An API error: `Failure` is what a handler fails with (a tagged error, told apart by class), the
 * schema encodes exactly that class, with its status, to the wire shape.
 */
const apiError = <const Tag extends string>(tag: Tag, status: number, description: string) => {
  class Failure extends Data.TaggedError(tag)<{ readonly error: ErrorBody }> {}
  const schema = Schema.transform(Wire, Schema.declare((u): u is Failure => u instanceof Failure, { identifier: `${tag}Failure` }), {
    strict: true,
    decode: (wire) => new Failure(wire),
    encode: (failure) => ({ error: failure.error })
  }).annotations({ identifier: tag, ...HttpApiSchema.annotations({ status, description }) })
  return Object.assign(schema, { Failure })
}

export const BadRequest = apiError("BadRequest", 400, "The request is malformed: bad JSON, a field of the wrong type, an unknown field, or a value refused")
export type BadRequest = InstanceType<typeof BadRequest.Failure>
export const Unauthorized = apiError("Unauthorized", 401, "A token is configured and the request does not carry a valid one")
export type Unauthorized = InstanceType<typeof Unauthorized.Failure>
export const Forbidden = apiError("Forbidden", 403, "The Host (or, for a change, the Origin) is not allowed")
export type Forbidden = InstanceType<typeof Forbidden.Failure>
export const NotFound = apiError("NotFound", 404, "No such project, session or message")
export type NotFound = InstanceType<typeof NotFound.Failure>
export const Conflict = apiError("Conflict", 409, "The state does not allow it now: the session is busy, the path is taken, or it already exists")
export type Conflict = InstanceType<typeof Conflict.Failure>
export const PayloadTooLarge = apiError("PayloadTooLarge", 413, "The body is over the server's limit (BOOCODE_BODY_LIMIT)")
export type PayloadTooLarge = InstanceType<typeof PayloadTooLarge.Failure>
export const UnsupportedMediaType = apiError("UnsupportedMediaType", 415, "The body is not application/json")
export type UnsupportedMediaType = InstanceType<typeof UnsupportedMediaType.Failure>
export const Unprocessable = apiError("Unprocessable", 422, "The idempotency key was used before with another body")
export type Unprocessable = InstanceType<typeof Unprocessable.Failure>
export const BadGateway = apiError("BadGateway", 502, "The LLM server failed or cannot be reached")
export type BadGateway = InstanceType<typeof BadGateway.Failure>
export const ServiceUnavailable = apiError("ServiceUnavailable", 503, "The database does not answer (restarting or unreachable); retry after the Retry-After seconds")
export type ServiceUnavailable = InstanceType<typeof ServiceUnavailable.Failure>
export const GatewayTimeout = apiError("GatewayTimeout", 504, "The LLM server did not answer in time")
export type GatewayTimeout = InstanceType<typeof GatewayTimeout.Failure>

export type ApiError =
  | BadRequest | Unauthorized | Forbidden | NotFound | Conflict | PayloadTooLarge | UnsupportedMediaType
  | Unprocessable | BadGateway | ServiceUnavailable | GatewayTimeout

/** The body an error response carries, for responses built outside HttpApi (middleware). */
export const errorJson = (code: string, message: string) => ({ error: { code, message } })

/** What every route can answer before its handler runs: a Host not allowed, the database down. */
export const Guarded = Schema.Union(Forbidden, ServiceUnavailable)

/**
 * What every POST, PATCH and DELETE can be refused with before its handler runs (security/checkBody.ts):
 * a body over the limit, not JSON, malformed, or holding what cannot be stored; or a field that does not decode.
 */
export const BodyRefused = Schema.Union(BadRequest, PayloadTooLarge, UnsupportedMediaType)
