import { Either } from "effect"
import { normalizeName } from "../name.ts"
import type { ProjectCommand } from "./commands.ts"
import { InvalidPath, ProjectAlreadyExists, ProjectNotFound, type ProjectError } from "./errors.ts"
import { ProjectAdded, ProjectRemoved, ProjectRenamed, type ProjectEvent } from "./events.ts"
import type { ProjectState } from "./state.ts"

type Decision = Either.Either<ReadonlyArray<ProjectEvent>, ProjectError>

const isAbsolutePath = (path: string): boolean => path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path)

export const decide = (command: ProjectCommand, state: ProjectState): Decision => {
  switch (command._tag) {
    case "AddProject": {
      if (state.exists) return Either.left(new ProjectAlreadyExists({ project_id: command.project_id }))
      if (!isAbsolutePath(command.path)) return Either.left(new InvalidPath({ path: command.path }))
      return Either.map(normalizeName(command.name), (name) => [
        ProjectAdded.make({ project_id: command.project_id, name, path: command.path, at: command.at })
      ])
    }
    case "RenameProject": {
      if (!state.exists || state.removed) return Either.left(new ProjectNotFound({ project_id: command.project_id }))
      return Either.map(normalizeName(command.name), (name) =>
        name === state.name ? [] : [ProjectRenamed.make({ project_id: command.project_id, name, at: command.at })]
      )
    }
    case "RemoveProject": {
      if (!state.exists || state.removed) return Either.left(new ProjectNotFound({ project_id: command.project_id }))
      return Either.right([ProjectRemoved.make({ project_id: command.project_id, at: command.at })])
    }
  }
}
