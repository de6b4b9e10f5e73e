import { Schema } from "effect"
import { ProjectId } from "../ids.ts"

export const ProjectAdded = Schema.TaggedStruct("ProjectAdded", {
  project_id: ProjectId,
  name: Schema.String,
  path: Schema.String,
  at: Schema.String
})
export type ProjectAdded = typeof ProjectAdded.Type

export const ProjectRenamed = Schema.TaggedStruct("ProjectRenamed", {
  project_id: ProjectId,
  name: Schema.String,
  at: Schema.String
})
export type ProjectRenamed = typeof ProjectRenamed.Type

export const ProjectRemoved = Schema.TaggedStruct("ProjectRemoved", {
  project_id: ProjectId,
  at: Schema.String
})
export type ProjectRemoved = typeof ProjectRemoved.Type

export const ProjectEvent = Schema.Union(ProjectAdded, ProjectRenamed, ProjectRemoved)
export type ProjectEvent = typeof ProjectEvent.Type
export type ProjectEventEncoded = typeof ProjectEvent.Encoded

const tagSet: { readonly [K in ProjectEvent["_tag"]]: K } = {
  ProjectAdded: "ProjectAdded",
  ProjectRenamed: "ProjectRenamed",
  ProjectRemoved: "ProjectRemoved"
}
export const projectEventTypes: ReadonlyArray<ProjectEvent["_tag"]> = Object.values(tagSet)
