import { Schema } from "effect"

/** The body of every error answer of the HTTP API. */
export const ApiErrorBody = Schema.Struct({ error: Schema.Struct({ code: Schema.String, message: Schema.String }) })
export type ApiErrorBody = typeof ApiErrorBody.Type
