import { HttpLayerRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Config, Effect } from "effect"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { errorJson } from "../api/errors.ts"
import { Security } from "../security/Security.ts"

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8", ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png",
  ".ico": "image/x-icon", ".woff2": "font/woff2", ".woff": "font/woff", ".map": "application/json", ".txt": "text/plain; charset=utf-8"
}

const NOT_BUILT = `<!doctype html><html><head><meta charset="utf-8"><title>BooCode</title></head>
<body><h1>BooCode</h1><p>The browser client is not built yet. Run <code>npm run build:web</code>, then reload.</p>
<p>The API is up: <a href="/api/docs">/api/docs</a>.</p></body></html>`

const readFile = (file: string) =>
  Effect.tryPromise(() => fs.readFile(file)).pipe(Effect.option)

const isFile = (file: string) =>
  Effect.tryPromise(() => fs.stat(file)).pipe(Effect.map((s) => s.isFile()), Effect.orElseSucceed(() => false))

/** In token mode the page says so (its Log out link shows), without a script having to ask. */
const markTokenMode = (html: string) => html.replace(/<html\b/, '<html data-auth="token"')

/** The browser client from dist/web (BOOCODE_WEB_DIR), index.html for unknown paths (client-side routes). */
const serveStatic = Effect.gen(function* () {
  const root = path.resolve(yield* Config.string("BOOCODE_WEB_DIR").pipe(Config.withDefault("dist/web")))
  const { tokenRequired } = yield* Security
  return (request: HttpServerRequest.HttpServerRequest) =>
    Effect.gen(function* () {
      let urlPath: string
      try {
        urlPath = decodeURIComponent(request.url.split("?")[0])
      } catch {
        return HttpServerResponse.text("Bad path", { status: 400 })
      }
      const candidate = path.resolve(root, "." + path.posix.normalize(urlPath))
      const inside = candidate.startsWith(root + path.sep) && !urlPath.includes("\u0000")
      const file = inside && (yield* isFile(candidate)) ? candidate : path.join(root, "index.html")
      const body = yield* readFile(file)
      if (body._tag === "None") return HttpServerResponse.text(NOT_BUILT, { contentType: "text/html; charset=utf-8" })
      if (tokenRequired && file.endsWith(".html")) return HttpServerResponse.text(markTokenMode(body.value.toString("utf8")), {
        contentType: TYPES[".html"], headers: { "cache-control": "no-cache" }
      })
      const type = TYPES[path.extname(file)] ?? "application/octet-stream"
      const cache = file.includes(`${path.sep}assets${path.sep}`) ? "public, max-age=31536000, immutable" : "no-cache"
      return HttpServerResponse.uint8Array(body.value, { contentType: type, headers: { "cache-control": cache } })
    })
})

/** Unknown /api paths answer the API's JSON 404, never the client's index.html. */
const apiNotFound = HttpServerResponse.unsafeJson(errorJson("not_found", "No such API endpoint"), { status: 404 })

export const StaticRoutes = HttpLayerRouter.use((router) =>
  Effect.gen(function* () {
    const handler = yield* serveStatic
    yield* router.add("*", "/api/*", apiNotFound)
    yield* router.add("GET", "/*", handler)
  })
)
