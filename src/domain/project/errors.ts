import { Schema } from "effect"
import { HttpApiSchema } from "@effect/platform"
import { ProjectId } from "../ids.ts"
import { InvalidName } from "../name.ts"

export class ProjectNotFound extends Schema.TaggedError<ProjectNotFound>()(
  "ProjectNotFound",
  { project_id: ProjectId },
  HttpApiSchema.annotations({ status: 404 })
) {
  get message(): string {
    return `Project ${this.project_id} does not exist or was removed`
  }
}

export class ProjectAlreadyExists extends Schema.TaggedError<ProjectAlreadyExists>()(
  "ProjectAlreadyExists",
  { project_id: ProjectId },
  HttpApiSchema.annotations({ status: 409 })
) {
  get message(): string {
    return `Project ${this.project_id} already exists`
  }
}

export class InvalidPath extends Schema.TaggedError<InvalidPath>()(
  "InvalidPath",
  { path: Schema.String },
  HttpApiSchema.annotations({ status: 400 })
) {
  get message(): string {
    return `A project path must be a non-empty absolute path (got ${JSON.stringify(this.path)})`
  }
}

export const ProjectError = Schema.Union(ProjectNotFound, ProjectAlreadyExists, InvalidPath, InvalidName)
export type ProjectError = typeof ProjectError.Type
