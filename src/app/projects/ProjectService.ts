import { SqlClient } from "@effect/sql"
import { Context, Effect, Layer } from "effect"
import { randomUUID } from "node:crypto"
import * as path from "node:path"
import { ProjectId } from "../../domain/index.ts"
import { ProjectRepository } from "../../infra/repositories/ProjectRepository.ts"
import { nowIso } from "../now.ts"
import { ProjectPathTaken } from "./errors.ts"
import { resolveProjectPath } from "./resolveProjectPath.ts"

const make = Effect.gen(function* () {
  const repo = yield* ProjectRepository
  const sql = yield* SqlClient.SqlClient

  const findByPath = (realPath: string) =>
    sql<{ id: string }>`SELECT id::text FROM projects WHERE path = ${realPath} AND NOT removed`.pipe(
      Effect.map((rows) => rows[0]?.id),
      Effect.orDie
    )

  const add = Effect.fn("Projects.add")(function* (input: { readonly path: string; readonly name?: string | null }) {
    const realPath = yield* resolveProjectPath(input.path)
    const existing = yield* findByPath(realPath)
    if (existing !== undefined)
      return yield* new ProjectPathTaken({
        path: realPath,
        project_id: existing,
        message: `"${realPath}" is already a project (${existing})`
      })
    const projectId = ProjectId.make(randomUUID())
    const name = input.name ?? path.basename(realPath) ?? realPath
    const at = yield* nowIso
    const result = yield* repo.execute(projectId, () => ({
      _tag: "AddProject" as const,
      project_id: projectId,
      name: name === "" ? realPath : name,
      path: realPath,
      at
    }))
    return result.state
  })

  const remove = Effect.fn("Projects.remove")(function* (projectId: ProjectId) {
    const at = yield* nowIso
    return yield* repo.execute(projectId, () => ({ _tag: "RemoveProject" as const, project_id: projectId, at }))
  })

  const rename = Effect.fn("Projects.rename")(function* (projectId: ProjectId, name: string) {
    const at = yield* nowIso
    return yield* repo.execute(projectId, () => ({ _tag: "RenameProject" as const, project_id: projectId, name, at }))
  })

  return { add, remove, rename, load: repo.load }
})

export class ProjectService extends Context.Tag("ProjectService")<ProjectService, Effect.Effect.Success<typeof make>>() {
  static readonly layer = Layer.effect(ProjectService, make)
}
