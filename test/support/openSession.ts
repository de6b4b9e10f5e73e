import { Effect } from "effect"
import { ProjectService } from "../../src/app/projects/ProjectService.ts"
import { SessionService } from "../../src/app/sessions/SessionService.ts"

/** Adds `root` as a project and opens a session on it, through the app's services. */
export const openSessionOn = (root: string) =>
  Effect.gen(function* () {
    const projects = yield* ProjectService
    const sessions = yield* SessionService
    const project = yield* projects.add({ path: root })
    if (project.project_id === null) return yield* Effect.dieMessage("project has no id")
    const session = yield* sessions.create({ project_id: project.project_id })
    const sessionId = session.state.session_id
    if (sessionId === null) return yield* Effect.dieMessage("session has no id")
    return { projectId: project.project_id, sessionId }
  })
