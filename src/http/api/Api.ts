import { HttpApi, OpenApi } from "@effect/platform"
import { AuditApi } from "./AuditApi.ts"
import {
  BadGateway, BadRequest, Conflict, Forbidden, GatewayTimeout, NotFound, PayloadTooLarge, Unauthorized, Unprocessable,
  UnsupportedMediaType
} from "./errors.ts"
import { HealthApi } from "./HealthApi.ts"
import { LlmApi } from "./LlmApi.ts"
import { ProjectsApi } from "./ProjectsApi.ts"
import { SearchApi } from "./SearchApi.ts"
import { SessionsApi } from "./SessionsApi.ts"

/** The HTTP contract: groups, endpoints and errors with their status. Handlers live in ../handlers. */
export class Api extends HttpApi.make("boocode")
  .add(HealthApi)
  .add(ProjectsApi)
  .add(SessionsApi)
  .add(AuditApi)
  .add(SearchApi)
  .add(LlmApi)
  .addError(BadRequest)
  .addError(Unauthorized)
  .addError(Forbidden)
  .addError(NotFound)
  .addError(Conflict)
  .addError(PayloadTooLarge)
  .addError(UnsupportedMediaType)
  .addError(Unprocessable)
  .addError(BadGateway)
  .addError(GatewayTimeout)
  .prefix("/api")
  .annotate(OpenApi.Title, "BooCode API") {}
