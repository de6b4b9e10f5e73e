import { HttpLayerRouter, HttpServerResponse } from "@effect/platform"
import { Effect, Schema } from "effect"
import { readFileSync } from "node:fs"
import * as fs from "node:fs/promises"
import { createRequire } from "node:module"
import * as path from "node:path"

/** The docs page: Swagger UI from the pinned swagger-ui-dist package, every byte served by the app. */
export const DOCS_PATH = "/api/docs"

const distDir = path.dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"))

/** Only these files of the package are served; the path carries the version so they can be cached for good. */
const ASSETS: Readonly<Record<string, string>> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8"
}

const INIT = `window.ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout"
})
`

const page = (assets: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>BooCode API</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="alternate" type="application/json" href="/api/openapi.json" title="OpenAPI document">
<link rel="stylesheet" href="${assets}/swagger-ui.css">
</head>
<body>
<noscript><p>This page needs JavaScript; the OpenAPI document itself is at <a href="/api/openapi.json">/api/openapi.json</a>.</p></noscript>
<div id="swagger-ui"></div>
<script src="${assets}/swagger-ui-bundle.js"></script>
<script src="${DOCS_PATH}/init.js"></script>
</body>
</html>
`

const decodeManifest = Schema.decodeUnknown(Schema.parseJson(Schema.Struct({ version: Schema.String })))

const FOREVER = { "cache-control": "public, max-age=31536000, immutable" }

export const DocsRoutes = HttpLayerRouter.use((router) =>
  Effect.gen(function* () {
    // Read synchronously: the router is built after the server listens, and until it is, requests
    // that arrive get no handler and hang (an asynchronous read here opened that window).
    const manifest = readFileSync(path.join(distDir, "package.json"), "utf8")
    const { version } = yield* Effect.orDie(decodeManifest(manifest))
    const assets = `${DOCS_PATH}/swagger-ui-${version}` as const
    const html = page(assets)
    yield* router.add("GET", DOCS_PATH, HttpServerResponse.text(html, { contentType: "text/html; charset=utf-8" }))
    yield* router.add("GET", `${DOCS_PATH}/init.js`, HttpServerResponse.text(INIT, { contentType: "text/javascript; charset=utf-8" }))
    for (const [name, contentType] of Object.entries(ASSETS)) {
      const file = path.join(distDir, name)
      yield* router.add("GET", `${assets}/${name}`, Effect.orDie(Effect.tryPromise(() => fs.readFile(file))).pipe(
        Effect.map((body) => HttpServerResponse.uint8Array(body, { contentType, headers: FOREVER }))
      ))
    }
  })
)
