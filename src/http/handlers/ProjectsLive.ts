import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { ProjectNotFound } from "../../domain/index.ts"
import { ProjectService } from "../../app/projects/ProjectService.ts"
import { SessionService } from "../../app/sessions/SessionService.ts"
import { Api } from "../api/Api.ts"
import { ReadModels } from "../queries/ReadModels.ts"
import { answer, answerCommand, cannotFail } from "./failAs.ts"
import { sessionView } from "./views.ts"

export const ProjectsLive = HttpApiBuilder.group(Api, "projects", (handlers) =>
  Effect.gen(function* () {
    const projects = yield* ProjectService
    const sessions = yield* SessionService
    const read = yield* ReadModels

    const requireProject = (id: Parameters<typeof read.projectExists>[0]) =>
      Effect.flatMap(read.projectExists(id), (exists) =>
        exists ? Effect.void : Effect.fail(new ProjectNotFound({ project_id: id }))
      )

    return handlers
      .handle("list", () => read.projects)
      .handle("add", ({ payload }) =>
        answer(cannotFail("ProjectNotFound", "CommandIdReused")(
          Effect.map(projects.add({ path: payload.path, name: payload.name ?? null }), (state) => ({
            id: state.project_id ?? "",
            name: state.name,
            path: state.path,
            created_at: state.created_at ?? "",
            updated_at: state.updated_at ?? ""
          }))
        )
      ))
      .handle("remove", ({ path }) => answerCommand(Effect.asVoid(projects.remove(path.id))))
      .handle("sessions", ({ path }) => answer(Effect.zipRight(requireProject(path.id), read.sessionsOf(path.id))))
      .handle("createSession", ({ path, payload }) =>
        answerCommand(
          Effect.map(
            sessions.create({
              project_id: path.id,
              name: payload.name ?? null,
              model: payload.model ?? null,
              system_prompt: payload.system_prompt ?? null
            }),
            ({ state, version }) => sessionView(state, version)
          )
        )
      )
  })
)
