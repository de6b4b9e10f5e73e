import { describe, expect, it } from "vitest"
import { ProjectId } from "../../../src/domain/ids.ts"
import { AddProject, RemoveProject, RenameProject } from "../../../src/domain/project/commands.ts"
import * as Project from "../../../src/domain/project/decider.ts"
import { ProjectAdded, ProjectRemoved, ProjectRenamed } from "../../../src/domain/project/events.ts"
import { givenFor } from "./given.ts"

const given = givenFor(Project)
const project_id = ProjectId.make("7d444840-9dc0-41d1-b245-5ffbf76e5ce6")
const at = "2025-06-01T12:00:00.000Z"
const added = ProjectAdded.make({ project_id, name: "boo", path: "/src/boo", at })

describe("project decider", () => {
  it("adds a project with a trimmed name", () =>
    given([]).when(AddProject.make({ project_id, name: "  boo ", path: "/src/boo", at })).then([added]))

  it("refuses a name that is empty or longer than 120 characters", () => {
    given([]).when(AddProject.make({ project_id, name: "  ", path: "/src/boo", at })).thenError("InvalidName")
    given([added]).when(RenameProject.make({ project_id, name: "x".repeat(121), at })).thenError("InvalidName")
  })

  it("refuses a relative or empty path", () => {
    given([]).when(AddProject.make({ project_id, name: "boo", path: "src/boo", at })).thenError("InvalidPath")
    given([]).when(AddProject.make({ project_id, name: "boo", path: "", at })).thenError("InvalidPath")
  })

  it("refuses adding a project that already exists", () =>
    given([added]).when(AddProject.make({ project_id, name: "boo", path: "/src/boo", at })).thenError("ProjectAlreadyExists"))

  it("renames, and renaming to the same name is a no-op", () => {
    given([added]).when(RenameProject.make({ project_id, name: "Boo", at })).then([
      ProjectRenamed.make({ project_id, name: "Boo", at })
    ])
    given([added]).when(RenameProject.make({ project_id, name: " boo ", at })).thenNothing()
  })

  it("removes, and a removed or missing project is not found", () => {
    const removed = ProjectRemoved.make({ project_id, at })
    given([added]).when(RemoveProject.make({ project_id, at })).then([removed])
    given([added, removed]).when(RemoveProject.make({ project_id, at })).thenError("ProjectNotFound")
    given([added, removed]).when(RenameProject.make({ project_id, name: "x", at })).thenError("ProjectNotFound")
    given([]).when(RenameProject.make({ project_id, name: "x", at })).thenError("ProjectNotFound")
  })

  it("folds events into state", () => {
    const state = Project.fold([added, ProjectRenamed.make({ project_id, name: "Boo", at: "t2" })])
    expect(state).toStrictEqual({
      exists: true, removed: false, project_id, name: "Boo", path: "/src/boo", created_at: at, updated_at: "t2", version: 2
    })
  })
})
