import { HttpApi, OpenApi } from "@effect/platform"
import { HealthApi } from "./HealthApi.ts"

/** The HTTP contract: groups, endpoints and errors with their status. Handlers live in ../handlers. */
export class Api extends HttpApi.make("boocode")
  .add(HealthApi)
  .prefix("/api")
  .annotate(OpenApi.Title, "BooCode API") {}
