import { Context, Effect, Layer } from "effect"
import {
  type ProjectCommand, ProjectDecider, type ProjectError, ProjectEvent, type ProjectState, streamIdOfProject, type ProjectEventEncoded, type ProjectId
} from "../../domain/index.ts"
import { projectProjection } from "../readmodels/projectProjection.ts"
import { makeRepository } from "./Repository.ts"

const make = makeRepository<ProjectId, ProjectState, ProjectEvent, ProjectEventEncoded, ProjectCommand, ProjectError>({
  streamType: "project",
  streamId: streamIdOfProject,
  schema: ProjectEvent,
  initialState: ProjectDecider.initialState,
  evolve: ProjectDecider.evolve,
  decide: ProjectDecider.decide,
  project: (sql, _streamId, event, version) => projectProjection(sql, event, version)
})

export class ProjectRepository extends Context.Tag("ProjectRepository")<
  ProjectRepository,
  Effect.Effect.Success<typeof make>
>() {
  static readonly layer = Layer.effect(ProjectRepository, make)
}
