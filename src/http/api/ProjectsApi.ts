import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { BadRequest, BodyRefused, Conflict, Guarded, NotFound } from "./errors.ts"
import { ProjectPath } from "./params.ts"
import { Present, Project, Session, Strict, Text } from "./schemas.ts"

export const NewProject = Strict("NewProject", { path: Text, name: Present(Schema.NullOr(Text)) })
export const NewSession = Strict("NewSession", {
  name: Present(Schema.NullOr(Text)),
  model: Present(Schema.NullOr(Text)),
  system_prompt: Present(Schema.NullOr(Text))
})

export class ProjectsApi extends HttpApiGroup.make("projects")
  .add(HttpApiEndpoint.get("list", "/projects").addSuccess(Schema.Array(Project)))
  .add(
    HttpApiEndpoint.post("add", "/projects")
      .setPayload(NewProject)
      .addSuccess(Project, { status: 201 })
      .addError(BodyRefused)
      .addError(Conflict)
  )
  .add(
    HttpApiEndpoint.del("remove", "/projects/:id")
      .setPath(ProjectPath)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(BodyRefused)
      .addError(NotFound)
      .addError(Conflict)
  )
  .add(
    HttpApiEndpoint.get("sessions", "/projects/:id/sessions")
      .setPath(ProjectPath)
      .addSuccess(Schema.Array(Session))
      .addError(BadRequest)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.post("createSession", "/projects/:id/sessions")
      .setPath(ProjectPath)
      .setPayload(NewSession)
      .addSuccess(Session, { status: 201 })
      .addError(BodyRefused)
      .addError(NotFound)
      .addError(Conflict)
  )
  .addError(Guarded)
  .annotate(OpenApi.Description, "Project folders and their sessions") {}
