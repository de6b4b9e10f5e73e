import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"

/**
 * The one error shape of the API: `{"error": {"code", "message"}}`. The classes are tagged so HttpApi
 * picks the right status; the tag is taken off the wire by security/rewriteErrors.ts.
 */
export const ErrorBody = Schema.Struct({ code: Schema.String, message: Schema.String })

const fields = { error: ErrorBody }

export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", fields, HttpApiSchema.annotations({ status: 400 })) {}
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", fields, HttpApiSchema.annotations({ status: 401 })) {}
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", fields, HttpApiSchema.annotations({ status: 403 })) {}
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", fields, HttpApiSchema.annotations({ status: 404 })) {}
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", fields, HttpApiSchema.annotations({ status: 409 })) {}
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()("PayloadTooLarge", fields, HttpApiSchema.annotations({ status: 413 })) {}
export class UnsupportedMediaType extends Schema.TaggedError<UnsupportedMediaType>()("UnsupportedMediaType", fields, HttpApiSchema.annotations({ status: 415 })
) {}
export class Unprocessable extends Schema.TaggedError<Unprocessable>()("Unprocessable", fields, HttpApiSchema.annotations({ status: 422 })) {}
export class BadGateway extends Schema.TaggedError<BadGateway>()("BadGateway", fields, HttpApiSchema.annotations({ status: 502 })) {}
export class GatewayTimeout extends Schema.TaggedError<GatewayTimeout>()("GatewayTimeout", fields, HttpApiSchema.annotations({ status: 504 })) {}

export type ApiError =
  | BadRequest | Unauthorized | Forbidden | NotFound | Conflict | PayloadTooLarge | UnsupportedMediaType
  | Unprocessable | BadGateway | GatewayTimeout

/** The body an error response carries, for responses built outside HttpApi (middleware). */
export const errorJson = (code: string, message: string) => ({ error: { code, message } })
