import { Schema } from "effect"
import { ProjectId } from "../ids.ts"

export const AddProject = Schema.TaggedStruct("AddProject", {
  project_id: ProjectId,
  name: Schema.String,
  path: Schema.String,
  at: Schema.String
})
export type AddProject = typeof AddProject.Type

export const RenameProject = Schema.TaggedStruct("RenameProject", {
  project_id: ProjectId,
  name: Schema.String,
  at: Schema.String
})
export type RenameProject = typeof RenameProject.Type

export const RemoveProject = Schema.TaggedStruct("RemoveProject", {
  project_id: ProjectId,
  at: Schema.String
})
export type RemoveProject = typeof RemoveProject.Type

export const ProjectCommand = Schema.Union(AddProject, RenameProject, RemoveProject)
export type ProjectCommand = typeof ProjectCommand.Type
