import {
  type Etag, type FileSystem, HttpApiBuilder, HttpApiError, HttpLayerRouter, type HttpPlatform, HttpServerRespondable, HttpServerResponse, OpenApi,
  type Path
} from "@effect/platform"
import { Context, Effect, Layer } from "effect"
import { Api } from "../api/Api.ts"
import { BadRequest } from "../api/errors.ts"
import { Security } from "../security/Security.ts"

export const OPENAPI_PATH = "/api/openapi.json"

const describe = (issue: HttpApiError.HttpApiDecodeError["issues"][number]) => {
  const field = issue.path.map(String).join(".")
  if (issue._tag === "Unexpected") return `unknown field "${field}"`
  return field === "" ? issue.message : `${field}: ${issue.message}`
}

/** A request that does not decode (path, query, headers or body): 400 naming each field at fault. */
export const badRequestOf = (e: HttpApiError.HttpApiDecodeError) =>
  new BadRequest.Failure({ error: { code: "bad_request", message: e.issues.map(describe).join("; ") || e.message } })

const isDecodeError = (e: unknown): e is HttpApiError.HttpApiDecodeError => e instanceof HttpApiError.HttpApiDecodeError

/** What answers without a token, as security/middleware.ts lets it through. */
const OPEN_PATHS = new Set(["/api/health"])

/**
 * The document, saying a token is needed when one is configured: the bearer scheme for the whole
 * API, with a 401 on every operation but the open ones (whose `security: []` says they need none).
 */
const document = (tokenRequired: boolean): OpenApi.OpenAPISpec => {
  const spec = OpenApi.fromApi(Api)
  if (!tokenRequired) return spec
  const unauthorized = {
    description: "No valid token (Authorization: Bearer) or login session",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Unauthorized" } } }
  }
  const secured = ({ security: _, ...op }: OpenApi.OpenAPISpecOperation) => ({ ...op, responses: { ...op.responses, 401: unauthorized } })
  const paths = Object.fromEntries(
    Object.entries(spec.paths).map(([path, item]) => [
      path,
      OPEN_PATHS.has(path) ? item : Object.fromEntries(Object.entries(item).map(([method, op]) => [method, secured(op)]))
    ])
  )
  return {
    ...spec,
    paths,
    components: {
      ...spec.components,
      securitySchemes: {
        ...spec.components.securitySchemes,
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "BOOCODE_TOKEN as `Authorization: Bearer <token>`; a browser logs in at /login instead (a cookie)"
        }
      }
    },
    security: [{ bearer: [] }]
  }
}

/**
 * Registers the Api's endpoints on the router as HttpLayerRouter.addHttpApi does, with one
 * difference: a request that fails to decode becomes the BadRequest its endpoint declares before the
 * errors are encoded, so every error goes out through a schema the document shows. A defect is
 * logged once here (it answers 500, or 503 when the database is down: security/databaseUnavailable.ts).
 * Also serves the document, which says a token is needed when one is configured.
 */
export const ApiEndpoints = HttpApiBuilder.Router.unwrap((endpoints) =>
  Layer.effectDiscard(
    Effect.gen(function* () {
      const router = yield* HttpLayerRouter.HttpRouter
      const encodeErrors = yield* HttpApiBuilder.buildMiddleware(Api)
      const services = yield* Effect.context<Etag.Generator | FileSystem.FileSystem | HttpPlatform.HttpPlatform | Path.Path>()
      for (const route of endpoints.routes) {
        if (route.method === "HEAD") continue
        // What the handler needs beyond `services` is the request's, which the router provides.
        const own = route.handler as Effect.Effect<HttpServerRespondable.Respondable, unknown>
        const handler = Effect.mapInputContext(own, (input: Context.Context<never>) => Context.merge(services, input)).pipe(
          Effect.flatMap(HttpServerRespondable.toResponse),
          Effect.catchIf(isDecodeError, (e) => Effect.fail(badRequestOf(e))),
          Effect.tapDefect((cause) => Effect.logError("request failed with a defect", cause))
        )
        yield* router.add(route.method, route.path, encodeErrors(handler), { uninterruptible: route.uninterruptible })
      }
      const security = yield* Security
      yield* router.add("GET", OPENAPI_PATH, HttpServerResponse.json(document(security.tokenRequired)))
    })
  )
)
