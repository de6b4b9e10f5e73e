import { HttpLayerRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Option } from "effect"
import { tooLargeMessage } from "./checkBody.ts"
import { TOKEN_COOKIE } from "./middleware.ts"
import { readBody } from "./readBody.ts"
import { refuse } from "./responses.ts"
import { Security } from "./Security.ts"

const page = (failed: boolean) => `<!doctype html><html><head><meta charset="utf-8"><title>BooCode: log in</title></head>
<body><h1>BooCode</h1>${failed ? "<p><strong>That token is not right.</strong></p>" : ""}
<form method="post" action="/login"><label>Token <input type="password" name="token" autofocus required></label>
<button type="submit">Log in</button></form></body></html>`

const html = (body: string, status = 200) =>
  HttpServerResponse.text(body, { status, contentType: "text/html; charset=utf-8" })

/**
 * GET /login shows a form; POST /login checks the token and sets it as an HttpOnly cookie. The form
 * is read under BOOCODE_BODY_LIMIT like any API body (413 in the API's error shape past it).
 */
export const LoginRoutes = HttpLayerRouter.use((router) =>
  Effect.gen(function* () {
    yield* router.add("GET", "/login", html(page(false)))
    yield* router.add("POST", "/login", (request: HttpServerRequest.HttpServerRequest) =>
      Effect.gen(function* () {
        const security = yield* Security
        const limit = security.config.bodyLimit
        const body = yield* readBody(request, limit)
        if (Option.isNone(body)) return refuse(request, 413, "payload_too_large", tooLargeMessage(limit))
        const token = new URLSearchParams(body.value).get("token") ?? ""
        if (!security.tokenMatches(token)) return html(page(true), 401)
        return yield* HttpServerResponse.empty({ status: 303, headers: { location: "/" } }).pipe(
          HttpServerResponse.setCookie(TOKEN_COOKIE, token, { httpOnly: true, sameSite: "strict", path: "/" })
        )
      })
    )
  })
)
