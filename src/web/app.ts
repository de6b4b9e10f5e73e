import { api, newRequestId, RequestError } from "./api/client.ts"
import { SessionFrame, UserFrame } from "./api/frames.ts"
import { type ConnectionState, type ManagedSocket, managedSocket } from "./api/socket.ts"
import type { Model, Project, SessionSummary } from "./api/types.ts"
import { byId, h, relativeTime, replaceChildren } from "./lib/dom.ts"
import { apply, type ConversationView, fromDetail, type MessageView, resumePoint, streamingMessage } from "./model/session.ts"
import { openAudit } from "./ui/audit.ts"
import { MessageNode, type MessageAction } from "./ui/messageView.ts"
import DOMPurify from "dompurify"

/* ---------- elements ---------- */
const $ = {
  app: byId("app", HTMLDivElement),
  conn: byId("conn", HTMLSpanElement),
  search: byId("search", HTMLInputElement),
  searchResults: byId("search-results", HTMLDivElement),
  projects: byId("projects", HTMLElement),
  addProject: byId("add-project", HTMLFormElement),
  projectPath: byId("project-path", HTMLInputElement),
  projectError: byId("project-error", HTMLParagraphElement),
  helpBtn: byId("help-btn", HTMLButtonElement),
  scrim: byId("scrim", HTMLDivElement),
  menuBtn: byId("menu-btn", HTMLButtonElement),
  title: byId("title", HTMLHeadingElement),
  tools: byId("session-tools", HTMLDivElement),
  model: byId("model", HTMLSelectElement),
  systemBtn: byId("system-btn", HTMLButtonElement),
  auditBtn: byId("audit-btn", HTMLButtonElement),
  more: byId("more", HTMLDetailsElement),
  exportMd: byId("export-md", HTMLAnchorElement),
  exportJson: byId("export-json", HTMLAnchorElement),
  renameBtn: byId("rename-btn", HTMLButtonElement),
  deleteSessionBtn: byId("delete-session-btn", HTMLButtonElement),
  messages: byId("messages", HTMLElement),
  composer: byId("composer", HTMLFormElement),
  input: byId("input", HTMLTextAreaElement),
  send: byId("send", HTMLButtonElement),
  stop: byId("stop", HTMLButtonElement),
  toasts: byId("toasts", HTMLDivElement),
  help: byId("help", HTMLDialogElement),
  systemDialog: byId("system-dialog", HTMLDialogElement),
  systemForm: byId("system-form", HTMLFormElement),
  systemText: byId("system-text", HTMLTextAreaElement),
  audit: byId("audit", HTMLDialogElement)
}

/* ---------- state ---------- */
let projects: ReadonlyArray<Project> = []
const sessions = new Map<string, Array<SessionSummary>>()
let models: ReadonlyArray<Model> = []
let currentId: string | null = null
let conv: ConversationView | null = null
let sessionSocket: ManagedSocket | null = null
let userSocket: ManagedSocket | null = null
let userState: ConnectionState = "connecting"
let sessionState: ConnectionState | null = null
const nodes = new Map<string, MessageNode>()
let openToken = 0

/* ---------- small helpers ---------- */
const toast = (message: string, kind: "error" | "info" = "error") => {
  const el = h(`div.toast${kind === "info" ? ".info" : ""}`, { role: kind === "error" ? "alert" : "status" }, message)
  $.toasts.append(el)
  setTimeout(() => el.remove(), kind === "error" ? 6000 : 2500)
}

const failed = (what: string) => (e: unknown) => {
  toast(e instanceof RequestError ? `${what}: ${e.message}` : `${what}.`)
}

const isEditable = (t: EventTarget | null): boolean =>
  t instanceof HTMLElement && (t.isContentEditable || t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement)

const allSessions = (): Array<SessionSummary> => projects.flatMap((p) => sessions.get(p.id) ?? [])
const findSession = (id: string): SessionSummary | undefined => allSessions().find((s) => s.id === id)
const byNewest = (a: SessionSummary, b: SessionSummary) => (b.updated_at ?? "").localeCompare(a.updated_at ?? "")

const route = (): string | null => {
  const m = /^#\/s\/([^/?#]+)/.exec(location.hash)
  return m ? decodeURIComponent(m[1]) : null
}
const go = (id: string | null) => {
  const hash = id === null ? "#/" : `#/s/${encodeURIComponent(id)}`
  if (location.hash !== hash) location.hash = hash
  else void openSession(id)
}

/** A search hit links to `#/s/{id}?m={message}`: bring that message into view. */
const focusMessageFromRoute = () => {
  const m = /[?&]m=([^&]+)/.exec(location.hash)
  if (!m) return
  const el = nodes.get(decodeURIComponent(m[1]))?.el
  if (!el) return
  el.scrollIntoView({ block: "center" })
  el.classList.add("flash")
  setTimeout(() => el.classList.remove("flash"), 1600)
}

const closeDrawer = () => $.app.classList.remove("drawer-open")

/* ---------- connection indicator ---------- */
const renderConn = () => {
  const states = [userState, ...(sessionState === null ? [] : [sessionState])]
  const s: ConnectionState = states.every((x) => x === "open") ? "open" : states.includes("closed") ? "closed" : "connecting"
  const label = s === "open" ? "Live" : s === "closed" ? "Reconnecting" : "Connecting"
  $.conn.className = `conn conn-${s}`
  $.conn.title = s === "open" ? "Connected: updates are live" : s === "closed" ? "Connection lost: retrying…" : "Connecting…"
  $.conn.dataset.state = s
  const text = $.conn.querySelector(".conn-label")
  if (text) text.textContent = label
}

/* ---------- sidebar ---------- */
const renderSidebar = () => {
  if (projects.length === 0) {
    replaceChildren($.projects, h("p.empty-note", null, "No projects yet. Add a folder below to start."))
    return
  }
  replaceChildren(
    $.projects,
    ...projects.map((p) => {
      const list = (sessions.get(p.id) ?? []).slice().sort(byNewest)
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
        list.length === 0
          ? h("p.empty-note", null, "No sessions")
          : h(
              "ul.sessions",
              null,
              ...list.map((s) =>
                h(
                  "li",
                  null,
                  h(
                    `a.session-link${s.id === currentId ? ".active" : ""}`,
                    { href: `#/s/${encodeURIComponent(s.id)}`, "data-session-id": s.id, "aria-current": s.id === currentId ? "page" : null, "data-busy": s.busy ? "true" : "false" },
                    s.busy ? h("span.busy-dot", { title: "Answering…", "aria-label": "busy" }) : null,
                    h("span.s-name", { title: s.name }, s.name || "Untitled"),
                    h("span.s-time", null, relativeTime(s.updated_at))
                  )
                )
              )
            )
      )
    })
  )
}

let sidebarTimer: ReturnType<typeof setTimeout> | undefined
const scheduleSidebar = () => {
  clearTimeout(sidebarTimer)
  sidebarTimer = setTimeout(renderSidebar, 30)
}

const loadProjects = async () => {
  try {
    const list = await api.projects()
    const all = await Promise.all(list.map(async (p) => [p.id, await api.sessions(p.id)] as const))
    projects = list
    sessions.clear()
    for (const [id, ss] of all) sessions.set(id, [...ss])
    renderSidebar()
  } catch (e) {
    failed("Could not load projects")(e)
  }
}

const reloadProject = async (projectId: string) => {
  try {
    sessions.set(projectId, [...(await api.sessions(projectId))])
    scheduleSidebar()
  } catch {
    // project gone: the user channel says so separately
  }
}

const addProject = async (path: string) => {
  $.projectError.hidden = true
  try {
    const p = await api.addProject(path)
    $.projectPath.value = ""
    if (!projects.some((x) => x.id === p.id)) {
      projects = [...projects, p]
      sessions.set(p.id, [])
    }
    renderSidebar()
    toast(`Added ${p.name}`, "info")
  } catch (e) {
    $.projectError.textContent = e instanceof RequestError ? e.message : "Could not add the project."
    $.projectError.hidden = false
  }
}

const removeProject = async (p: Project) => {
  if (!confirm(`Remove the project “${p.name}” from BooCode? Its files are not touched.`)) return
  try {
    await api.removeProject(p.id)
    projects = projects.filter((x) => x.id !== p.id)
    const gone = sessions.get(p.id) ?? []
    sessions.delete(p.id)
    if (currentId !== null && gone.some((s) => s.id === currentId)) go(null)
    renderSidebar()
  } catch (e) {
    failed("Could not remove the project")(e)
  }
}

const newSession = async (projectId: string) => {
  try {
    const s = await api.createSession(projectId, {})
    const list = sessions.get(projectId) ?? []
    if (!list.some((x) => x.id === s.id)) sessions.set(projectId, [s, ...list])
    renderSidebar()
    closeDrawer()
    go(s.id)
    $.input.focus()
  } catch (e) {
    failed("Could not create a session")(e)
  }
}

/* ---------- search ---------- */
let searchTimer: ReturnType<typeof setTimeout> | undefined
let searchToken = 0
const runSearch = () => {
  const q = $.search.value.trim()
  clearTimeout(searchTimer)
  if (q === "") {
    $.searchResults.hidden = true
    $.projects.hidden = false
    return
  }
  searchTimer = setTimeout(async () => {
    const mine = ++searchToken
    try {
      const hits = await api.search(q)
      if (mine !== searchToken) return
      $.searchResults.hidden = false
      $.projects.hidden = true
      replaceChildren(
        $.searchResults,
        hits.length === 0
          ? h("p.empty-note", null, "No matches")
          : hits.map((hit) => {
              const snippet = h("div.hit-snippet")
              // Snippets may mark matches with <b>; anything else is stripped.
              snippet.append(DOMPurify.sanitize(hit.snippet, { ALLOWED_TAGS: ["b", "mark", "em"], ALLOWED_ATTR: [], RETURN_DOM_FRAGMENT: true }))
              return h(
                "a.search-hit",
                {
                  href: `#/s/${encodeURIComponent(hit.session_id)}${hit.message_id ? `?m=${encodeURIComponent(hit.message_id)}` : ""}`,
                  "data-session-id": hit.session_id,
                  onclick: () => closeDrawer()
                },
                h("div.hit-name", null, hit.session_name ?? hit.name ?? findSession(hit.session_id)?.name ?? "Session"),
                snippet
              )
            })
      )
    } catch (e) {
      if (mine === searchToken) replaceChildren($.searchResults, h("p.form-error", null, e instanceof RequestError ? e.message : "Search failed"))
      $.searchResults.hidden = false
    }
  }, 180)
}

/* ---------- user channel ---------- */
const onUserFrame = (f: UserFrame) => {
  switch (f.type) {
    case "hello":
    case "pong":
      return
    case "project_added":
    case "project_removed":
      void loadProjects().then(() => {
        if (f.type === "project_removed" && currentId !== null && findSession(currentId) === undefined) go(null)
      })
      return
    case "session_created": {
      const projectId = f.session?.project_id ?? f.project_id
      if (projectId !== undefined) void reloadProject(projectId)
      else void loadProjects()
      return
    }
    case "session_updated":
    case "session_renamed": {
      const s = findSession(f.session_id)
      if (s === undefined) {
        if (f.project_id !== undefined) void reloadProject(f.project_id)
        return
      }
      const list = sessions.get(s.project_id) ?? []
      const next: SessionSummary = {
        ...s,
        name: f.name ?? s.name,
        updated_at: f.type === "session_updated" ? f.updated_at ?? s.updated_at : s.updated_at,
        busy: f.type === "session_updated" ? f.busy ?? s.busy : s.busy
      }
      sessions.set(s.project_id, list.map((x) => (x.id === s.id ? next : x)))
      if (conv !== null && conv.sessionId === s.id && f.name !== undefined && f.name !== conv.name) {
        conv.name = f.name
        renderTitle()
      }
      scheduleSidebar()
      updateComposer()
      return
    }
    case "session_deleted": {
      for (const [pid, list] of sessions) sessions.set(pid, list.filter((x) => x.id !== f.session_id))
      if (currentId === f.session_id) go(null)
      scheduleSidebar()
      return
    }
  }
}

/* ---------- conversation ---------- */
const nearBottom = () => $.messages.scrollHeight - $.messages.scrollTop - $.messages.clientHeight < 120
const toBottom = () => {
  $.messages.scrollTop = $.messages.scrollHeight
}

const messageCallbacks = {
  onAction: (action: MessageAction, m: MessageView) => void messageAction(action, m),
  onEditSubmit: (m: MessageView, content: string) => {
    const id = currentId
    if (id === null) return
    api.edit(id, m.id, content).catch(failed("Could not resend"))
  }
}

const renderWelcome = () => {
  replaceChildren(
    $.messages,
    h(
      "div.welcome",
      null,
      h("img.welcome-logo", { src: "/favicon.svg", alt: "", width: 56, height: 56 }),
      h("h2", null, "BooCode"),
      projects.length === 0
        ? h("p", null, "Add a project folder in the sidebar, then start a session to ask questions about its code.")
        : h("p", null, "Pick a session in the sidebar, or start a new one with “+ New” next to a project."),
      h("p.muted", null, "Press ? for keyboard shortcuts.")
    )
  )
}

const renderMessages = () => {
  if (conv === null) return
  const stick = nearBottom()
  const keep = new Set(conv.messages.map((m) => m.id))
  for (const [id, node] of nodes) {
    if (!keep.has(id)) {
      node.dispose()
      node.el.remove()
      nodes.delete(id)
    }
  }
  const els: Array<HTMLElement> = []
  for (const m of conv.messages) {
    let node = nodes.get(m.id)
    if (node === undefined) {
      node = new MessageNode(m, messageCallbacks)
      nodes.set(m.id, node)
    } else node.update(m)
    els.push(node.el)
  }
  if (els.length === 0) replaceChildren($.messages, h("div.welcome", null, h("p.muted", null, "Ask anything about this project's code.")))
  else {
    $.messages.querySelector(".welcome")?.remove()
    // Reorder only when needed, so open <details> and selections are kept.
    els.forEach((el, i) => {
      if ($.messages.children[i] !== el) $.messages.insertBefore(el, $.messages.children[i] ?? null)
    })
    while ($.messages.children.length > els.length) $.messages.lastElementChild?.remove()
  }
  if (stick) toBottom()
}

const renderTitle = () => {
  if (conv === null) {
    $.title.textContent = "BooCode"
    document.title = "BooCode"
    return
  }
  $.title.textContent = conv.name || "Untitled"
  document.title = `${conv.name || "Untitled"} · BooCode`
}

const renderModels = () => {
  const current = conv?.model ?? ""
  const ids = models.map((m) => m.id)
  if (current && !ids.includes(current)) ids.unshift(current)
  replaceChildren(
    $.model,
    h("option", { value: "" }, "Default model"),
    ...ids.map((id) => {
      const ctx = models.find((m) => m.id === id)?.ctx
      return h("option", { value: id }, ctx ? `${id} (${Math.round(ctx / 1024)}k ctx)` : id)
    })
  )
  $.model.value = current
}

const renderHeader = () => {
  renderTitle()
  $.tools.hidden = conv === null
  $.composer.hidden = conv === null
  if (conv === null) return
  $.exportMd.href = api.exportUrl(conv.sessionId, "markdown")
  $.exportMd.download = `${conv.name || "session"}.md`
  $.exportJson.href = api.exportUrl(conv.sessionId, "json")
  $.exportJson.download = `${conv.name || "session"}.json`
  renderModels()
}

const isStreaming = (): boolean => conv !== null && streamingMessage(conv) !== undefined

const updateComposer = () => {
  const streaming = isStreaming()
  $.stop.hidden = !streaming
  $.send.disabled = $.input.value.trim() === ""
  $.composer.dataset.streaming = streaming ? "true" : "false"
}

const onSessionFrame = (f: SessionFrame) => {
  if (conv === null) return
  const before = streamingMessage(conv)?.id
  const change = apply(conv, f)
  switch (change.kind) {
    case "none":
      return
    case "gap":
      sessionSocket?.reconnect()
      return
    case "message": {
      const m = conv.messages.find((x) => x.id === change.id)
      const node = nodes.get(change.id)
      if (m && node) {
        const stick = nearBottom()
        node.update(m)
        if (stick) toBottom()
      }
      break
    }
    case "structure":
      renderMessages()
      break
    case "session":
      if (f.type === "session_deleted") {
        toast("This session was deleted.", "info")
        go(null)
        return
      }
      renderHeader()
      break
  }
  if (before !== streamingMessage(conv)?.id) updateComposer()
}

const connectSession = (id: string) => {
  let failures = 0
  sessionSocket?.close()
  sessionState = "connecting"
  renderConn()
  sessionSocket = managedSocket({
    url: () => {
      if (conv === null || conv.sessionId !== id) return `/api/ws/sessions/${encodeURIComponent(id)}?after=0`
      const at = resumePoint(conv)
      const q = new URLSearchParams({ after: String(at.after), offset: String(at.offset), reasoning_offset: String(at.reasoningOffset) })
      if (at.messageId !== undefined) q.set("message_id", at.messageId)
      return `/api/ws/sessions/${encodeURIComponent(id)}?${q.toString()}`
    },
    decoder: SessionFrame,
    onFrame: onSessionFrame,
    onBadFrame: (raw, reason) => {
      console.warn("session frame skipped", reason, raw)
      if (conv === null || typeof raw !== "object" || raw === null) return
      const v: unknown = Reflect.get(raw, "version")
      if (typeof v === "number" && v > conv.version) conv.version = v
    },
    onState: (s) => {
      sessionState = s
      renderConn()
      failures = s === "open" ? 0 : s === "closed" ? failures + 1 : failures
      // A session that keeps refusing may be gone (deleted elsewhere): ask once in a while.
      if (s === "closed" && failures % 4 === 3) {
        api.session(id).catch((e: unknown) => {
          if (e instanceof RequestError && e.status === 404 && currentId === id) {
            toast("This session no longer exists.")
            go(null)
          }
        })
      }
    }
  })
}

const openSession = async (id: string | null) => {
  const mine = ++openToken
  if (id !== currentId) {
    sessionSocket?.close()
    sessionSocket = null
    sessionState = null
    for (const n of nodes.values()) n.dispose()
    nodes.clear()
  }
  currentId = id
  renderSidebar()
  renderConn()
  if (id === null) {
    conv = null
    renderHeader()
    renderWelcome()
    return
  }
  try {
    const detail = await api.session(id)
    if (mine !== openToken) return
    conv = fromDetail(detail)
    replaceChildren($.messages)
    renderHeader()
    renderMessages()
    toBottom()
    $.input.value = localStorage.getItem(`draft:${id}`) ?? ""
    autosize()
    updateComposer()
    connectSession(id)
    focusMessageFromRoute()
  } catch (e) {
    if (mine !== openToken) return
    conv = null
    renderHeader()
    replaceChildren($.messages, h("div.welcome", null, h("p.form-error", null, e instanceof RequestError ? e.message : "Could not open the session.")))
  }
}

/* ---------- commands ---------- */
const send = async () => {
  const id = currentId
  const content = $.input.value.trim()
  if (id === null || content === "") return
  if (isStreaming()) {
    toast("Wait for the answer to finish, or stop it (Esc).", "info")
    return
  }
  $.input.value = ""
  localStorage.removeItem(`draft:${id}`)
  autosize()
  updateComposer()
  toBottom()
  try {
    await api.post(id, content, newRequestId())
  } catch (e) {
    if ($.input.value === "") $.input.value = content
    autosize()
    updateComposer()
    failed("Not sent")(e)
  }
}

const stop = async () => {
  if (currentId === null || !isStreaming()) return
  try {
    await api.cancel(currentId)
  } catch (e) {
    failed("Could not stop")(e)
  }
}

const messageAction = async (action: MessageAction, m: MessageView) => {
  const id = currentId
  if (id === null) return
  switch (action) {
    case "copy":
      await copyText(m.content)
      return
    case "edit":
      nodes.get(m.id)?.startEdit()
      return
    case "regenerate":
      await api.regenerate(id, m.id).catch(failed("Could not regenerate"))
      return
    case "delete":
      if (!confirm("Delete this message and everything after it? (The audit log keeps them.)")) return
      await api.deleteFrom(id, m.id).catch(failed("Could not delete"))
      return
    case "fork":
      try {
        const newId = await api.fork(id, m.id)
        await loadProjects()
        if (newId) go(newId)
        toast("Forked into a new session", "info")
      } catch (e) {
        failed("Could not fork")(e)
      }
      return
  }
}

const copyText = async (text: string) => {
  try {
    await navigator.clipboard.writeText(text)
    toast("Copied", "info")
  } catch {
    const area = h("textarea")
    area.value = text
    document.body.append(area)
    area.select()
    document.execCommand("copy")
    area.remove()
    toast("Copied", "info")
  }
}

const startRename = () => {
  if (conv === null || $.title.hidden) return
  const current = conv
  const input = h("input.title-input", { type: "text", "aria-label": "Session name" })
  input.value = current.name
  $.title.hidden = true
  $.title.after(input)
  input.focus()
  input.select()
  let done = false
  const finish = async (save: boolean) => {
    if (done) return
    done = true
    input.remove()
    $.title.hidden = false
    const name = input.value.trim()
    if (!save || name === "" || name === current.name) return
    const old = current.name
    current.name = name
    renderTitle()
    try {
      await api.patchSession(current.sessionId, { name })
    } catch (e) {
      current.name = old
      renderTitle()
      failed("Could not rename")(e)
    }
  }
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") void finish(true)
    else if (e.key === "Escape") {
      e.stopPropagation()
      void finish(false)
    }
  })
  input.addEventListener("blur", () => void finish(true))
}

const autosize = () => {
  $.input.style.height = "auto"
  $.input.style.height = `${Math.min($.input.scrollHeight + 2, Math.round(innerHeight * 0.4))}px`
}

const navigateSessions = (delta: number) => {
  const order = projects.flatMap((p) => (sessions.get(p.id) ?? []).slice().sort(byNewest))
  if (order.length === 0) return
  const at = order.findIndex((s) => s.id === currentId)
  const next = order[(at + delta + order.length) % order.length] ?? order[0]
  go(next.id)
}

const currentProjectId = (): string | undefined =>
  (currentId !== null ? findSession(currentId)?.project_id : undefined) ?? projects[0]?.id

/* ---------- wiring ---------- */
const wire = () => {
  $.addProject.addEventListener("submit", (e) => {
    e.preventDefault()
    const path = $.projectPath.value.trim()
    if (path === "") {
      $.projectError.textContent = "Type the folder's path on the server, e.g. /home/me/code/app"
      $.projectError.hidden = false
      return
    }
    void addProject(path)
  })
  $.search.addEventListener("input", runSearch)
  $.search.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && $.search.value !== "") {
      e.stopPropagation()
      $.search.value = ""
      runSearch()
    } else if (e.key === "Enter") {
      $.searchResults.querySelector<HTMLAnchorElement>("a.search-hit")?.click()
    }
  })
  $.searchResults.addEventListener("click", (e) => {
    if (e.target instanceof Element && e.target.closest("a.search-hit")) {
      $.search.value = ""
      runSearch()
    }
  })
  $.projects.addEventListener("click", (e) => {
    if (e.target instanceof Element && e.target.closest("a.session-link")) closeDrawer()
  })
  $.helpBtn.addEventListener("click", () => $.help.showModal())
  $.menuBtn.addEventListener("click", () => $.app.classList.toggle("drawer-open"))
  $.scrim.addEventListener("click", closeDrawer)
  $.title.addEventListener("click", startRename)
  $.title.addEventListener("keydown", (e) => {
    if (e.key === "Enter") startRename()
  })
  $.renameBtn.addEventListener("click", () => {
    $.more.open = false
    startRename()
  })
  $.deleteSessionBtn.addEventListener("click", async () => {
    $.more.open = false
    if (currentId === null || !confirm("Delete this session? (The log keeps its events.)")) return
    const id = currentId
    try {
      await api.deleteSession(id)
      for (const [pid, list] of sessions) sessions.set(pid, list.filter((x) => x.id !== id))
      go(null)
    } catch (e) {
      failed("Could not delete the session")(e)
    }
  })
  for (const a of [$.exportMd, $.exportJson]) a.addEventListener("click", () => ($.more.open = false))
  document.addEventListener("click", (e) => {
    if ($.more.open && e.target instanceof Node && !$.more.contains(e.target)) $.more.open = false
  })
  $.model.addEventListener("change", async () => {
    if (conv === null) return
    const model = $.model.value === "" ? null : $.model.value
    try {
      await api.patchSession(conv.sessionId, { model })
      conv.model = model ?? ""
      toast(model ? `Model: ${model}` : "Default model", "info")
    } catch (e) {
      $.model.value = conv.model
      failed("Could not change the model")(e)
    }
  })
  $.systemBtn.addEventListener("click", () => {
    if (conv === null) return
    $.systemText.value = conv.systemPrompt
    $.systemDialog.showModal()
    $.systemText.focus()
  })
  $.systemDialog.addEventListener("close", async () => {
    if ($.systemDialog.returnValue !== "save" || conv === null) return
    const text = $.systemText.value
    try {
      await api.patchSession(conv.sessionId, { system_prompt: text })
      conv.systemPrompt = text
      toast("System prompt saved", "info")
    } catch (e) {
      failed("Could not save the system prompt")(e)
    }
  })
  $.auditBtn.addEventListener("click", () => {
    if (currentId !== null) void openAudit(currentId, (m) => toast(m))
  })

  $.composer.addEventListener("submit", (e) => {
    e.preventDefault()
    void send()
  })
  $.input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault()
      void send()
    }
  })
  $.input.addEventListener("input", () => {
    autosize()
    updateComposer()
    if (currentId !== null) {
      if ($.input.value) localStorage.setItem(`draft:${currentId}`, $.input.value)
      else localStorage.removeItem(`draft:${currentId}`)
    }
  })
  $.stop.addEventListener("click", () => void stop())

  // Copy buttons inside rendered Markdown (here and in the audit view).
  document.addEventListener("click", (e) => {
    const btn = e.target instanceof Element ? e.target.closest("button.copy-code") : null
    if (btn === null) return
    const code = btn.closest("pre")?.querySelector("code")
    if (code) void copyText(code.textContent ?? "")
  })

  document.addEventListener("keydown", (e) => {
    if (document.querySelector("dialog[open]") !== null) return
    const mod = e.ctrlKey || e.metaKey
    if (mod && e.key.toLowerCase() === "k") {
      e.preventDefault()
      $.app.classList.add("drawer-open")
      $.search.focus()
      $.search.select()
      return
    }
    if (e.key === "Escape") {
      if ($.app.classList.contains("drawer-open")) closeDrawer()
      if (isStreaming()) {
        e.preventDefault()
        void stop()
      }
      return
    }
    if (e.altKey && !mod) {
      const k = e.key.toLowerCase()
      if (e.key === "ArrowUp" || e.key === "ArrowDown") {
        e.preventDefault()
        navigateSessions(e.key === "ArrowUp" ? -1 : 1)
      } else if (k === "n" || e.code === "KeyN") {
        e.preventDefault()
        const pid = currentProjectId()
        if (pid) void newSession(pid)
      } else if (k === "r" || e.code === "KeyR") {
        e.preventDefault()
        const last = conv?.messages.slice().reverse().find((m) => m.role === "assistant")
        if (last && !isStreaming()) void messageAction("regenerate", last)
      } else if (k === "a" || e.code === "KeyA") {
        e.preventDefault()
        if (currentId !== null) void openAudit(currentId, (m) => toast(m))
      }
      return
    }
    if (e.key === "F2") {
      e.preventDefault()
      startRename()
      return
    }
    if (isEditable(e.target) || mod) return
    if (e.key === "?") {
      e.preventDefault()
      $.help.showModal()
    } else if (e.key === "/" && !$.composer.hidden) {
      e.preventDefault()
      $.input.focus()
    }
  })

  addEventListener("hashchange", () => void openSession(route()))
  // Relative times in the sidebar.
  setInterval(() => {
    if (!document.hidden) renderSidebar()
  }, 60_000)
}

export const start = async () => {
  wire()
  userSocket = managedSocket({
    url: () => "/api/ws/user",
    decoder: UserFrame,
    onFrame: onUserFrame,
    onBadFrame: (raw, reason) => console.warn("user frame skipped", reason, raw),
    onState: (s) => {
      userState = s
      renderConn()
    },
    // Whatever happened while we were away: read the lists again.
    onOpen: (reconnected) => {
      if (reconnected) void loadProjects()
    }
  })
  await loadProjects()
  void api
    .models()
    .then((m) => {
      models = m
      renderModels()
    })
    .catch(() => undefined)
  await openSession(route())
}
