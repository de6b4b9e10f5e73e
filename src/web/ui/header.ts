import { api } from "../api/client.ts"
import { byId, h } from "../lib/dom.ts"
import { current } from "../state/current.ts"
import { forgetSession } from "../state/directory.ts"
import { openAudit } from "./audit.ts"
import { wireLlmIndicator } from "./llmIndicator.ts"
import { go } from "./router.ts"
import { renderModels } from "./sessionSettings.ts"
import { failed, toast } from "./toast.ts"

/** The bar above the conversation: its title (click or F2 to rename), the LLM badge, the session tools and the "more" menu. */
const title = byId("title", HTMLHeadingElement)
const tools = byId("session-tools", HTMLDivElement)
const auditButton = byId("audit-btn", HTMLButtonElement)
const more = byId("more", HTMLDetailsElement)
const exportMd = byId("export-md", HTMLAnchorElement)
const exportJson = byId("export-json", HTMLAnchorElement)
const renameButton = byId("rename-btn", HTMLButtonElement)
const deleteButton = byId("delete-session-btn", HTMLButtonElement)

export const renderTitle = (): void => {
  const conv = current.conversation
  title.textContent = conv === null ? "BooCode" : conv.name || "Untitled"
  document.title = conv === null ? "BooCode" : `${conv.name || "Untitled"} · BooCode`
}

export const renderHeader = (): void => {
  renderTitle()
  const conv = current.conversation
  tools.hidden = conv === null
  if (conv === null) return
  exportMd.href = api.exportUrl(conv.sessionId, "markdown")
  exportMd.download = `${conv.name || "session"}.md`
  exportJson.href = api.exportUrl(conv.sessionId, "json")
  exportJson.download = `${conv.name || "session"}.json`
  renderModels()
}

export const showAudit = (): void => {
  if (current.sessionId !== null) void openAudit(current.sessionId, (m) => toast(m))
}

/** Swaps the title for an input: Enter or leaving it saves, Escape cancels. */
export const startRename = (): void => {
  const conv = current.conversation
  if (conv === null || title.hidden) return
  const input = h("input.title-input", { type: "text", "aria-label": "Session name" })
  input.value = conv.name
  title.hidden = true
  title.after(input)
  input.focus()
  input.select()
  let done = false
  const finish = async (save: boolean) => {
    if (done) return
    done = true
    input.remove()
    title.hidden = false
    const name = input.value.trim()
    if (!save || name === "" || name === conv.name) return
    const old = conv.name
    conv.name = name
    renderTitle()
    try {
      await api.patchSession(conv.sessionId, { name })
    } catch (e) {
      conv.name = old
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

const deleteSession = async () => {
  if (current.sessionId === null || !confirm("Delete this session? (The log keeps its events.)")) return
  const id = current.sessionId
  try {
    await api.deleteSession(id)
    forgetSession(id)
    go(null)
  } catch (e) {
    failed("Could not delete the session")(e)
  }
}

export const wireHeader = (): void => {
  wireLlmIndicator()
  title.addEventListener("click", startRename)
  title.addEventListener("keydown", (e) => {
    if (e.key === "Enter") startRename()
  })
  auditButton.addEventListener("click", showAudit)
  const closeMenu = () => {
    more.open = false
  }
  renameButton.addEventListener("click", () => {
    closeMenu()
    startRename()
  })
  deleteButton.addEventListener("click", () => {
    closeMenu()
    void deleteSession()
  })
  for (const a of [exportMd, exportJson]) a.addEventListener("click", closeMenu)
  document.addEventListener("click", (e) => {
    if (more.open && e.target instanceof Node && !more.contains(e.target)) more.open = false
  })
}
