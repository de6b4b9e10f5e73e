import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { ProjectPath } from "./params.ts"
import { Project, Session, Text } from "./schemas.ts"

export const NewProject = Schema.Struct({ path: Text, name: Schema.optional(Schema.NullOr(Text)) })
export const NewSession = Schema.Struct({
  name: Schema.optional(Schema.NullOr(Text)),
  model: Schema.optional(Schema.NullOr(Text)),
  system_prompt: Schema.optional(Schema.NullOr(Text))
})

export class ProjectsApi extends HttpApiGroup.make("projects")
  .add(HttpApiEndpoint.get("list", "/projects").addSuccess(Schema.Array(Project)))
  .add(
    HttpApiEndpoint.post("add", "/projects").setPayload(NewProject).addSuccess(Project, { status: 201 })
  )
  .add(HttpApiEndpoint.del("remove", "/projects/:id").setPath(ProjectPath).addSuccess(HttpApiSchema.NoContent))
  .add(HttpApiEndpoint.get("sessions", "/projects/:id/sessions").setPath(ProjectPath).addSuccess(Schema.Array(Session)))
  .add(
    HttpApiEndpoint.post("createSession", "/projects/:id/sessions")
      .setPath(ProjectPath)
      .setPayload(NewSession)
      .addSuccess(Session, { status: 201 })
  )
  .annotate(OpenApi.Description, "Project folders and their sessions") {}
