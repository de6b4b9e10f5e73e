import { api } from "../api/client.ts"
import type { Project, SessionSummary } from "../api/types.ts"
import { byId, h, relativeTime, replaceChildren } from "../lib/dom.ts"
import { current } from "../state/current.ts"
import * as directory from "../state/directory.ts"
import { focusComposer } from "./composer.ts"
import { closeDrawer } from "./drawer.ts"
import { go, sessionHref } from "./router.ts"
import { errorMessage, failed, toast } from "./toast.ts"

/** The project list with each project's sessions (busy ones marked), and the add-project form. */
const projectsNav = byId("projects", HTMLElement)
const addProjectForm = byId("add-project", HTMLFormElement)
const projectPath = byId("project-path", HTMLInputElement)
const projectError = byId("project-error", HTMLParagraphElement)

const sessionLink = (s: SessionSummary) => {
  const active = s.id === current.sessionId
  return h(
    `a.session-link${active ? ".active" : ""}`,
    { href: sessionHref(s.id), "data-session-id": s.id, "aria-current": active ? "page" : null, "data-busy": s.busy ? "true" : "false" },
    s.busy ? h("span.busy-dot", { title: "Answering…", "aria-label": "busy" }) : null,
    h("span.s-name", { title: s.name }, s.name || "Untitled"),
    h("span.s-time", null, relativeTime(s.updated_at))
  )
}

const projectSection = (p: Project) => {
  const list = directory.newestFirst(p.id)
  return h(
    "section.project",
    { "data-project-id": p.id },
    h(
      "div.project-head",
      null,
      h("span.project-name", { title: p.path }, p.name),
      h("button", { type: "button", title: "New session (Alt+N)", "aria-label": `New session in ${p.name}`, "data-new-session": p.id, onclick: () => void newSession(p.id) }, "+ New"),
      h("button", { type: "button", title: "Remove project", "aria-label": `Remove ${p.name}`, "data-remove-project": p.id, onclick: () => void removeProject(p) }, "✕")
    ),
    list.length === 0 ? h("p.empty-note", null, "No sessions") : h("ul.sessions", null, ...list.map((s) => h("li", null, sessionLink(s))))
  )
}

export const renderSidebar = (): void => {
  const all = directory.projects()
  if (all.length === 0) replaceChildren(projectsNav, h("p.empty-note", null, "No projects yet. Add a folder below to start."))
  else replaceChildren(projectsNav, ...all.map(projectSection))
}

let sidebarTimer: ReturnType<typeof setTimeout> | undefined
/** Coalesces bursts of updates (a streaming answer touches its session often) into one render. */
export const scheduleSidebar = (): void => {
  clearTimeout(sidebarTimer)
  sidebarTimer = setTimeout(renderSidebar, 30)
}

export const loadProjects = async (): Promise<void> => {
  try {
    const list = await api.projects()
    const all = await Promise.all(list.map(async (p) => [p.id, await api.sessions(p.id)] as const))
    directory.replaceDirectory(list, all)
    renderSidebar()
  } catch (e) {
    failed("Could not load projects")(e)
  }
}

export const reloadProject = async (projectId: string): Promise<void> => {
  try {
    directory.setSessions(projectId, await api.sessions(projectId))
    scheduleSidebar()
  } catch {
    // project gone: the user channel says so separately
  }
}

const showProjectError = (message: string) => {
  projectError.textContent = message
  projectError.hidden = false
}

const addProject = async (path: string) => {
  projectError.hidden = true
  try {
    const p = await api.addProject(path)
    projectPath.value = ""
    directory.addProject(p)
    renderSidebar()
    toast(`Added ${p.name}`, "info")
  } catch (e) {
    showProjectError(errorMessage(e, "Could not add the project."))
  }
}

const removeProject = async (p: Project) => {
  if (!confirm(`Remove the project “${p.name}” from BooCode? Its files are not touched.`)) return
  try {
    await api.removeProject(p.id)
    const gone = directory.removeProject(p.id)
    if (current.sessionId !== null && gone.some((s) => s.id === current.sessionId)) go(null)
    renderSidebar()
  } catch (e) {
    failed("Could not remove the project")(e)
  }
}

export const newSession = async (projectId: string): Promise<void> => {
  try {
    const s = await api.createSession(projectId, {})
    directory.addSession(projectId, s)
    renderSidebar()
    closeDrawer()
    go(s.id)
    focusComposer()
  } catch (e) {
    failed("Could not create a session")(e)
  }
}

export const wireSidebar = (): void => {
  addProjectForm.addEventListener("submit", (e) => {
    e.preventDefault()
    const path = projectPath.value.trim()
    if (path === "") showProjectError("Type the folder's path on the server, e.g. /home/me/code/app")
    else void addProject(path)
  })
  projectsNav.addEventListener("click", (e) => {
    if (e.target instanceof Element && e.target.closest("a.session-link")) closeDrawer()
  })
  // Keeps the relative times ("5m") true.
  setInterval(() => {
    if (!document.hidden) renderSidebar()
  }, 60_000)
}
