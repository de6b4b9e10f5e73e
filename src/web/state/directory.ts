import type { Project, SessionSummary } from "../api/types.ts"

/** The projects and their sessions, as the sidebar lists them. */
let projectList: ReadonlyArray<Project> = []
const sessionsByProject = new Map<string, Array<SessionSummary>>()

const byNewest = (a: SessionSummary, b: SessionSummary) => (b.updated_at ?? "").localeCompare(a.updated_at ?? "")

export const projects = (): ReadonlyArray<Project> => projectList

export const replaceDirectory = (list: ReadonlyArray<Project>, sessions: ReadonlyArray<readonly [string, ReadonlyArray<SessionSummary>]>): void => {
  projectList = list
  sessionsByProject.clear()
  for (const [id, ss] of sessions) sessionsByProject.set(id, [...ss])
}

export const addProject = (p: Project): void => {
  if (projectList.some((x) => x.id === p.id)) return
  projectList = [...projectList, p]
  sessionsByProject.set(p.id, [])
}

/** Returns the sessions the project had. */
export const removeProject = (projectId: string): ReadonlyArray<SessionSummary> => {
  projectList = projectList.filter((x) => x.id !== projectId)
  const gone = sessionsByProject.get(projectId) ?? []
  sessionsByProject.delete(projectId)
  return gone
}

export const newestFirst = (projectId: string): Array<SessionSummary> => (sessionsByProject.get(projectId) ?? []).slice().sort(byNewest)

/** Every session, project by project, newest first within each: the order the sidebar shows. */
export const sidebarOrder = (): Array<SessionSummary> => projectList.flatMap((p) => newestFirst(p.id))

export const findSession = (id: string): SessionSummary | undefined =>
  projectList.flatMap((p) => sessionsByProject.get(p.id) ?? []).find((s) => s.id === id)

export const setSessions = (projectId: string, list: ReadonlyArray<SessionSummary>): void => {
  sessionsByProject.set(projectId, [...list])
}

export const addSession = (projectId: string, s: SessionSummary): void => {
  const list = sessionsByProject.get(projectId) ?? []
  if (!list.some((x) => x.id === s.id)) sessionsByProject.set(projectId, [s, ...list])
}

export const replaceSession = (next: SessionSummary): void => {
  const list = sessionsByProject.get(next.project_id) ?? []
  sessionsByProject.set(next.project_id, list.map((x) => (x.id === next.id ? next : x)))
}

export const forgetSession = (id: string): void => {
  for (const [pid, list] of sessionsByProject) sessionsByProject.set(pid, list.filter((x) => x.id !== id))
}
