import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Option, Schema, SchemaAST as AST } from "effect"
import { BadRequest, Guarded, NotFound } from "./errors.ts"
import { Count, SessionPath } from "./params.ts"
import { LoggedEvent, SessionAt, SessionDetail } from "./schemas.ts"

export const ExportFormat = Schema.Literal("markdown", "json")

const ref = (schema: Schema.Schema.Any) => ({
  $ref: `#/components/schemas/${Option.getOrThrow(AST.getIdentifierAnnotation(schema.ast))}`
})

/** The event log goes as JSON, or as NDJSON (one LoggedEvent a line) when Accept asks for it. */
const eventsContent = {
  "application/json": { schema: { type: "array", items: ref(LoggedEvent) } },
  "application/x-ndjson": { schema: { type: "string", description: "One LoggedEvent as JSON per line" } }
}

/** `/export` sends Markdown or JSON by `format`: one status with two content types, which HttpApi cannot say by itself. */
const exportResponse = {
  description: "The session as a file: Markdown for format=markdown (the default), JSON for format=json",
  headers: {
    "Content-Disposition": {
      description: "attachment, with a file name made of the session's name",
      required: true,
      schema: { type: "string", pattern: '^attachment; filename="[^"]+[.](md|json)"' }
    }
  },
  content: {
    "text/markdown": { schema: { type: "string" } },
    "application/json": { schema: ref(SessionDetail) }
  }
}

export class AuditApi extends HttpApiGroup.make("audit")
  .add(
    HttpApiEndpoint.get("events", "/sessions/:id/events")
      .setPath(SessionPath)
      .setUrlParams(Schema.Struct({ after: Schema.optional(Count) }))
      .addSuccess(Schema.Array(LoggedEvent))
      .addError(BadRequest)
      .addError(NotFound)
      .annotate(OpenApi.Description, "The raw log of the session; NDJSON when Accept is application/x-ndjson")
      .annotate(OpenApi.Transform, (op) => ({ ...op, responses: { ...op.responses, 200: { ...op.responses[200], content: eventsContent } } }))
  )
  .add(
    HttpApiEndpoint.get("state", "/sessions/:id/state")
      .setPath(SessionPath)
      .setUrlParams(Schema.Struct({ version: Schema.optional(Count) }))
      .addSuccess(SessionAt)
      .addError(BadRequest)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.get("export", "/sessions/:id/export")
      .setPath(SessionPath)
      .setUrlParams(Schema.Struct({ format: Schema.optionalWith(ExportFormat, { default: () => "markdown" as const }) }))
      .addSuccess(SessionDetail)
      .addError(BadRequest)
      .addError(NotFound)
      .annotate(OpenApi.Transform, (op) => ({ ...op, responses: { ...op.responses, 200: exportResponse } }))
  )
  .addError(Guarded)
  .annotate(OpenApi.Description, "The event log, past states and exports") {}
