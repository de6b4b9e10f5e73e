import { HttpLayerRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Option } from "effect"
import { LOGIN_CSS, loginPage, type LoginNotice, logoutPage } from "../static/loginPage.ts"
import { tooLargeMessage } from "./checkBody.ts"
import { readBody } from "./readBody.ts"
import { refuse } from "./responses.ts"
import { Security } from "./Security.ts"
import { SESSION_COOKIE } from "./sessions.ts"

/**
 * The page's own policy is `no-referrer`, under which Chromium sends `Origin: null` with a form's
 * POST, which the Origin check refuses. These pages allow the origin to be sent to their own
 * origin only, so their forms pass the check as themselves.
 */
const html = (body: string, status = 200) =>
  HttpServerResponse.text(body, {
    status,
    contentType: "text/html; charset=utf-8",
    headers: { "referrer-policy": "same-origin", "cache-control": "no-store" }
  })

const redirect = (location: string) => HttpServerResponse.empty({ status: 303, headers: { location } })

/** Only a path on this server is a place to come back to (never `//host`, never the login itself). */
export const safeNext = (next: string | null | undefined): string =>
  next !== null && next !== undefined && /^\/(?![/\\])[^\s\\]*$/.test(next) && !/^\/log(in|out)\b/.test(next) ? next : "/"

const form = (request: HttpServerRequest.HttpServerRequest, limit: number) =>
  Effect.map(readBody(request, limit), Option.map((body) => new URLSearchParams(body)))

const queryParam = (request: HttpServerRequest.HttpServerRequest, name: string) =>
  new URLSearchParams(request.url.split("?")[1] ?? "").get(name)

const cookieOptions = { httpOnly: true, sameSite: "strict", path: "/" } as const

/**
 * GET /login shows the form (or goes on when no login is needed or one is held); POST /login
 * checks the token and sets a signed session cookie, never the token. GET /logout asks, POST
 * /logout ends the session. Forms are read under BOOCODE_BODY_LIMIT like any API body.
 */
export const LoginRoutes = HttpLayerRouter.use((router) =>
  Effect.gen(function* () {
    yield* router.add("GET", "/login.css", HttpServerResponse.text(LOGIN_CSS, { contentType: "text/css; charset=utf-8" }))

    yield* router.add("GET", "/login", (request: HttpServerRequest.HttpServerRequest) =>
      Effect.gen(function* () {
        const security = yield* Security
        const next = safeNext(queryParam(request, "next"))
        if (!security.tokenRequired || (yield* security.authorized(request))) return redirect(next)
        const notice: LoginNotice = queryParam(request, "out") === "1" ? "loggedOut" : "none"
        return html(loginPage(notice, next))
      })
    )

    yield* router.add("POST", "/login", (request: HttpServerRequest.HttpServerRequest) =>
      Effect.gen(function* () {
        const security = yield* Security
        const limit = security.config.bodyLimit
        const fields = yield* form(request, limit)
        if (Option.isNone(fields)) return refuse(request, 413, "payload_too_large", tooLargeMessage(limit))
        const next = safeNext(fields.value.get("next"))
        if (Option.isNone(security.sessions)) return redirect(next)
        if (!security.tokenMatches(fields.value.get("token") ?? "")) return html(loginPage("wrong", next), 401)
        const sessions = security.sessions.value
        const session = yield* sessions.issue
        return HttpServerResponse.unsafeSetCookie(redirect(next), SESSION_COOKIE, session, {
          ...cookieOptions,
          maxAge: `${sessions.ttlSeconds} seconds`
        })
      })
    )

    yield* router.add("GET", "/logout", Effect.gen(function* () {
      const security = yield* Security
      return security.tokenRequired ? html(logoutPage()) : redirect("/")
    }))

    yield* router.add("POST", "/logout", (request: HttpServerRequest.HttpServerRequest) =>
      Effect.gen(function* () {
        const security = yield* Security
        if (Option.isSome(security.sessions)) yield* security.sessions.value.revoke(request.cookies[SESSION_COOKIE])
        return HttpServerResponse.expireCookie(redirect("/login?out=1"), SESSION_COOKIE, cookieOptions)
      })
    )
  })
)
