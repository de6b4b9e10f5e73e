import { Schema } from "effect"
import { ProjectId } from "../ids.ts"
import type { ProjectEvent } from "./events.ts"

export const ProjectState = Schema.Struct({
  exists: Schema.Boolean,
  removed: Schema.Boolean,
  project_id: Schema.NullOr(ProjectId),
  name: Schema.String,
  path: Schema.String,
  created_at: Schema.NullOr(Schema.String),
  updated_at: Schema.NullOr(Schema.String),
  version: Schema.Number
})
export type ProjectState = typeof ProjectState.Type

export const initialState: ProjectState = {
  exists: false,
  removed: false,
  project_id: null,
  name: "",
  path: "",
  created_at: null,
  updated_at: null,
  version: 0
}

export const evolve = (state: ProjectState, event: ProjectEvent): ProjectState => {
  const base = { ...state, updated_at: event.at, version: state.version + 1 }
  switch (event._tag) {
    case "ProjectAdded":
      return {
        ...base,
        exists: true,
        project_id: event.project_id,
        name: event.name,
        path: event.path,
        created_at: event.at
      }
    case "ProjectRenamed":
      return { ...base, name: event.name }
    case "ProjectRemoved":
      return { ...base, removed: true }
  }
}

export const fold = (events: Iterable<ProjectEvent>, from: ProjectState = initialState): ProjectState => {
  let state = from
  for (const event of events) state = evolve(state, event)
  return state
}
