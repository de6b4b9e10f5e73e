import { HttpApp, HttpServerRequest, type HttpServerResponse } from "@effect/platform"
import { Effect, Either, Option } from "effect"
import { checkBody } from "./checkBody.ts"
import { dropBody, hasBody } from "./readBody.ts"
import { guardDatabase } from "./databaseUnavailable.ts"
import { loginRedirect, refuse, withSecurityHeaders } from "./responses.ts"
import { rewriteErrors } from "./rewriteErrors.ts"
import { Security } from "./Security.ts"
import type { DatabaseHealth } from "../../infra/db/DatabaseHealth.ts"
import { DOCS_PATH } from "../static/ApiDocs.ts"

const SAFE = new Set(["GET", "HEAD", "OPTIONS"])

/** Open without a token: the health probe, the login and logout pages, the icon they show. */
const OPEN = new Set(["/api/health", "/login", "/login.css", "/logout", "/favicon.svg"])

/** Pages a person opens: without a login they are sent to the login page rather than told 401. */
const isPage = (path: string) => path === DOCS_PATH || path.startsWith(`${DOCS_PATH}/`) || !(path === "/api" || path.startsWith("/api/"))

/**
 * Runs before every handler, WebSocket upgrades included: Host allowlist, Origin check, token or
 * login session (a page without one goes to the login page),
 * body checks, a 503 while the database is down; and adds the security headers (and the one error
 * shape) to every response.
 */
export const securityMiddleware = <E, R>(
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
): Effect.Effect<
  HttpServerResponse.HttpServerResponse, E, R | Security | DatabaseHealth | HttpServerRequest.HttpServerRequest
> =>
  Effect.gen(function* () {
    const security = yield* Security
    const request = yield* HttpServerRequest.HttpServerRequest
    const upgrade = (request.headers["upgrade"] ?? "").toLowerCase() === "websocket"
    // After an upgrade the socket belongs to the WebSocket: a body written there would never finish.
    if (!upgrade)
      yield* HttpApp.appendPreResponseHandler((req, res) => Effect.succeed(withSecurityHeaders(req, rewriteErrors(res))))
    // A refusal before the body is read drops what the client still sends, within the body limit,
    // so it reads the answer instead of a reset (and cannot feed an unread body for minutes).
    const refuseUnread = (status: number, code: string, message: string) =>
      Effect.as(upgrade || !hasBody(request) ? Effect.void : dropBody(request, security.config.bodyLimit), refuse(request, status, code, message))
    const host = request.headers["host"]
    if (!security.hostAllowed(host)) return yield* refuseUnread(403, "forbidden_host", "This Host is not allowed")
    const path = request.url.split("?")[0]
    const changing = !SAFE.has(request.method)
    if ((upgrade || changing) && !security.originAllowed(request.headers["origin"], host))
      return yield* refuseUnread(403, "forbidden_origin", "Cross-origin requests are not allowed")
    const isApi = path === "/api" || path.startsWith("/api/")
    if (security.tokenRequired && !OPEN.has(path) && !(yield* security.authorized(request))) {
      if (!upgrade && SAFE.has(request.method) && isPage(path)) return loginRedirect(request)
      return yield* refuseUnread(401, "unauthorized", "A valid token is required (Authorization: Bearer, or log in at /login)")
    }
    if (isApi) {
      const unavailable = yield* guardDatabase(request)
      if (Option.isSome(unavailable)) {
        if (!upgrade && hasBody(request)) yield* dropBody(request, security.config.bodyLimit)
        return unavailable.value
      }
    }
    if (isApi && changing) {
      const checked = yield* checkBody(request, security.config.bodyLimit)
      if (Either.isLeft(checked)) return checked.left
      return yield* Effect.provideService(app, HttpServerRequest.HttpServerRequest, checked.right)
    }
    return yield* app
  })
