import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Count, SessionPath } from "./params.ts"
import { LoggedEvent, SessionAt } from "./schemas.ts"

export const ExportFormat = Schema.Literal("markdown", "json")

export class AuditApi extends HttpApiGroup.make("audit")
  .add(
    HttpApiEndpoint.get("events", "/sessions/:id/events")
      .setPath(SessionPath)
      .setUrlParams(Schema.Struct({ after: Schema.optional(Count) }))
      .addSuccess(Schema.Array(LoggedEvent))
      .annotate(OpenApi.Description, "The raw log of the session; NDJSON when Accept is application/x-ndjson")
  )
  .add(
    HttpApiEndpoint.get("state", "/sessions/:id/state")
      .setPath(SessionPath)
      .setUrlParams(Schema.Struct({ version: Schema.optional(Count) }))
      .addSuccess(SessionAt)
  )
  .add(
    HttpApiEndpoint.get("export", "/sessions/:id/export")
      .setPath(SessionPath)
      .setUrlParams(Schema.Struct({ format: Schema.optionalWith(ExportFormat, { default: () => "markdown" as const }) }))
      .addSuccess(Schema.String)
      .annotate(OpenApi.Description, "The session as Markdown (text/markdown) or JSON")
  )
  .annotate(OpenApi.Description, "The event log, past states and exports") {}
