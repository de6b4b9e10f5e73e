import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"

export class ProjectPathRefused extends Schema.TaggedError<ProjectPathRefused>()(
  "ProjectPathRefused",
  { path: Schema.String, message: Schema.String },
  HttpApiSchema.annotations({ status: 400 })
) {}

export class ProjectPathTaken extends Schema.TaggedError<ProjectPathTaken>()(
  "ProjectPathTaken",
  { path: Schema.String, project_id: Schema.String, message: Schema.String },
  HttpApiSchema.annotations({ status: 409 })
) {}
