import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { errorJson } from "../api/errors.ts"

/** The CSP and the other headers every response carries; the docs page too needs nothing inline. */
export const securityHeaders = (request: HttpServerRequest.HttpServerRequest): Record<string, string> => {
  const host = request.headers["host"] ?? ""
  const path = request.url.split("?")[0]
  const csp = [
    "default-src 'self'",
    `connect-src 'self' ws://${host} wss://${host}`,
    "img-src 'self' data:",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'"
  ].join("; ")
  return {
    "content-security-policy": csp,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    ...(path.startsWith("/api/") ? { "cache-control": "no-store" } : {})
  }
}

/** An error response in the API's shape, with the security headers (middleware answers skip the pre-response hooks). */
export const refuse = (request: HttpServerRequest.HttpServerRequest, status: number, code: string, message: string) =>
  HttpServerResponse.unsafeJson(errorJson(code, message), { status }).pipe(
    HttpServerResponse.setHeaders(securityHeaders(request))
  )

/** Adds the security headers a handler did not set itself. */
export const withSecurityHeaders = (
  request: HttpServerRequest.HttpServerRequest,
  response: HttpServerResponse.HttpServerResponse
) => {
  let out = response
  for (const [k, v] of Object.entries(securityHeaders(request)))
    if (out.headers[k] === undefined) out = HttpServerResponse.setHeader(out, k, v)
  return out
}

/** Where a page asked for without a login goes: the login page, which comes back here afterwards. */
export const loginRedirect = (request: HttpServerRequest.HttpServerRequest) => {
  const next = request.url === "/" ? "" : `?next=${encodeURIComponent(request.url)}`
  return HttpServerResponse.empty({ status: 303, headers: { location: `/login${next}` } }).pipe(
    HttpServerResponse.setHeaders(securityHeaders(request))
  )
}
