import { HttpServerResponse } from "@effect/platform"
import { Either, Schema } from "effect"
import { errorJson } from "../api/errors.ts"

const DecodeErrorBody = Schema.parseJson(
  Schema.Struct({
    _tag: Schema.Literal("HttpApiDecodeError"),
    issues: Schema.Array(Schema.Struct({ path: Schema.Array(Schema.Unknown), message: Schema.String })),
    message: Schema.String
  })
)
const decodeBody = Schema.decodeUnknownEither(DecodeErrorBody)
const decodeTagged = Schema.decodeUnknownEither(
  Schema.parseJson(Schema.Struct({ _tag: Schema.String, error: Schema.Struct({ code: Schema.String, message: Schema.String }) }))
)
const text = new TextDecoder()

const describe = (issue: { readonly path: ReadonlyArray<unknown>; readonly message: string }) =>
  issue.path.length === 0 ? issue.message : `${issue.path.map(String).join(".")}: ${issue.message}`

/**
 * Gives every error the API's one shape: HttpApi's own decode errors (bad JSON types, bad ids,
 * bad query values) become 400 `bad_request` naming the field; an empty 5xx/404 gets a body.
 */
export const rewriteErrors = (response: HttpServerResponse.HttpServerResponse): HttpServerResponse.HttpServerResponse => {
  const status = response.status
  if (status < 400) return response
  const body = response.body
  if (body._tag === "Uint8Array") {
    const tagged = decodeTagged(text.decode(body.body))
    if (Either.isRight(tagged)) return HttpServerResponse.unsafeJson({ error: tagged.right.error }, { status, headers: response.headers })
  }
  if (status === 400 && body._tag === "Uint8Array") {
    const decoded = decodeBody(text.decode(body.body))
    if (Either.isRight(decoded)) {
      const message = decoded.right.issues.map(describe).join("; ") || decoded.right.message
      return HttpServerResponse.unsafeJson(errorJson("bad_request", message), { status, headers: response.headers })
    }
  }
  if (body._tag === "Empty") {
    const [code, message] =
      status === 404 ? ["not_found", "No such resource"] :
      status >= 500 ? ["internal_error", "The server failed to answer this request"] :
      ["error", `Request failed with status ${status}`]
    return HttpServerResponse.unsafeJson(errorJson(code, message), { status, headers: response.headers })
  }
  return response
}
