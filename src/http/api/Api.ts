import { HttpApi, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import packageJson from "../../../package.json" with { type: "json" }
import { AuditApi } from "./AuditApi.ts"
import { Unauthorized } from "./errors.ts"
import { HealthApi } from "./HealthApi.ts"
import { LlmApi } from "./LlmApi.ts"
import { ProjectsApi } from "./ProjectsApi.ts"
import { SearchApi } from "./SearchApi.ts"
import { SessionsApi } from "./SessionsApi.ts"

/**
 * HttpApi.make declares HttpApiDecodeError (400, with a `_tag`) on every endpoint, a shape this API
 * never sends: a request that fails to decode is answered as BadRequest (handlers/ApiRoutes.ts).
 * Starting without it, each endpoint lists only the errors it declares.
 */
const withoutDecodeError = <Id extends string, E>(api: HttpApi.HttpApi<Id, never, E>): HttpApi.HttpApi<Id, never, never> =>
  Object.assign(Object.create(Object.getPrototypeOf(api)), api, { errorSchema: Schema.Never })

/** The HTTP contract: groups, endpoints and the errors each can answer, with their status. Handlers live in ../handlers. */
export class Api extends withoutDecodeError(HttpApi.make("boocode"))
  .add(HealthApi)
  .add(ProjectsApi)
  .add(SessionsApi)
  .add(AuditApi)
  .add(SearchApi)
  .add(LlmApi)
  .prefix("/api")
  .annotate(OpenApi.Title, "BooCode API")
  .annotate(OpenApi.Version, packageJson.version)
  // 401 is answered to every route when a token is configured: the served document adds it then.
  .annotate(HttpApi.AdditionalSchemas, [Unauthorized]) {}
