import { HttpServerResponse } from "@effect/platform"
import { errorJson } from "../api/errors.ts"

/**
 * Gives a body in the API's error shape to the error answers no endpoint makes, which come out
 * empty: a route that does not exist (404) and a failure no handler expected (500). Every other
 * error is encoded by its endpoint's declared schema.
 */
export const rewriteErrors = (response: HttpServerResponse.HttpServerResponse): HttpServerResponse.HttpServerResponse => {
  const status = response.status
  if (status < 400 || response.body._tag !== "Empty") return response
  const [code, message] =
    status === 404 ? ["not_found", "No such resource"] :
    status >= 500 ? ["internal_error", "The server failed to answer this request"] :
    ["error", `Request failed with status ${status}`]
  return HttpServerResponse.unsafeJson(errorJson(code, message), { status, headers: response.headers })
}
