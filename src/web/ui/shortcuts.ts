import { byId } from "../lib/dom.ts"
import { current, isStreaming } from "../state/current.ts"
import { findSession, projects, sidebarOrder } from "../state/directory.ts"
import { focusComposer, isComposerShown, stopAnswer } from "./composer.ts"
import { closeDrawer, isDrawerOpen } from "./drawer.ts"
import { showAudit, startRename } from "./header.ts"
import { messageAction } from "./messageActions.ts"
import { go } from "./router.ts"
import { focusSearch } from "./search.ts"
import { newSession } from "./sidebar.ts"

/** Keyboard shortcuts, and the `?` dialog that lists them. */
const help = byId("help", HTMLDialogElement)

const isEditable = (t: EventTarget | null): boolean =>
  t instanceof HTMLElement && (t.isContentEditable || t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement)

/** Alt+↑/↓ walk the sessions in sidebar order, wrapping around. */
const navigateSessions = (delta: number) => {
  const order = sidebarOrder()
  if (order.length === 0) return
  const at = order.findIndex((s) => s.id === current.sessionId)
  const next = order[(at + delta + order.length) % order.length] ?? order[0]
  go(next.id)
}

/** Alt+N starts a session in the open session's project, or else in the first project. */
const newSessionHere = () => {
  const projectId = (current.sessionId !== null ? findSession(current.sessionId)?.project_id : undefined) ?? projects()[0]?.id
  if (projectId) void newSession(projectId)
}

const regenerateLast = () => {
  const last = current.conversation?.messages.slice().reverse().find((m) => m.role === "assistant")
  if (last && !isStreaming()) void messageAction("regenerate", last)
}

/** Alt+letter shortcuts; `e.code` too, since Alt changes `e.key` on macOS. */
const onAltKey = (e: KeyboardEvent) => {
  const k = e.key.toLowerCase()
  if (e.key === "ArrowUp" || e.key === "ArrowDown") {
    e.preventDefault()
    navigateSessions(e.key === "ArrowUp" ? -1 : 1)
  } else if (k === "n" || e.code === "KeyN") {
    e.preventDefault()
    newSessionHere()
  } else if (k === "r" || e.code === "KeyR") {
    e.preventDefault()
    regenerateLast()
  } else if (k === "a" || e.code === "KeyA") {
    e.preventDefault()
    showAudit()
  }
}

const onKey = (e: KeyboardEvent) => {
  if (document.querySelector("dialog[open]") !== null) return
  const mod = e.ctrlKey || e.metaKey
  if (mod && e.key.toLowerCase() === "k") {
    e.preventDefault()
    focusSearch()
    return
  }
  if (e.key === "Escape") {
    if (isDrawerOpen()) closeDrawer()
    if (isStreaming()) {
      e.preventDefault()
      void stopAnswer()
    }
    return
  }
  if (e.altKey && !mod) {
    onAltKey(e)
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
    help.showModal()
  } else if (e.key === "/" && isComposerShown()) {
    e.preventDefault()
    focusComposer()
  }
}

export const wireShortcuts = (): void => {
  byId("help-btn", HTMLButtonElement).addEventListener("click", () => help.showModal())
  document.addEventListener("keydown", onKey)
}
