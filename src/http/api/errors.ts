import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"

/** The one error shape of the API: `{"error": {"code", "message"}}`. */
export const ErrorBody = Schema.Struct({ code: Schema.String, message: Schema.String })

const fields = { error: ErrorBody }

export class BadRequest extends Schema.Class<BadRequest>("BadRequest")(fields, HttpApiSchema.annotations({ status: 400 })) {}
export class Unauthorized extends Schema.Class<Unauthorized>("Unauthorized")(fields, HttpApiSchema.annotations({ status: 401 })) {}
export class Forbidden extends Schema.Class<Forbidden>("Forbidden")(fields, HttpApiSchema.annotations({ status: 403 })) {}
export class NotFound extends Schema.Class<NotFound>("NotFound")(fields, HttpApiSchema.annotations({ status: 404 })) {}
export class Conflict extends Schema.Class<Conflict>("Conflict")(fields, HttpApiSchema.annotations({ status: 409 })) {}
export class PayloadTooLarge extends Schema.Class<PayloadTooLarge>("PayloadTooLarge")(fields, HttpApiSchema.annotations({ status: 413 })) {}
export class UnsupportedMediaType extends Schema.Class<UnsupportedMediaType>("UnsupportedMediaType")(
  fields, HttpApiSchema.annotations({ status: 415 })
) {}
export class Unprocessable extends Schema.Class<Unprocessable>("Unprocessable")(fields, HttpApiSchema.annotations({ status: 422 })) {}
export class BadGateway extends Schema.Class<BadGateway>("BadGateway")(fields, HttpApiSchema.annotations({ status: 502 })) {}
export class GatewayTimeout extends Schema.Class<GatewayTimeout>("GatewayTimeout")(fields, HttpApiSchema.annotations({ status: 504 })) {}

export type ApiError =
  | BadRequest | Unauthorized | Forbidden | NotFound | Conflict | PayloadTooLarge | UnsupportedMediaType
  | Unprocessable | BadGateway | GatewayTimeout

/** The body an error response carries, for responses built outside HttpApi (middleware). */
export const errorJson = (code: string, message: string) => ({ error: { code, message } })
