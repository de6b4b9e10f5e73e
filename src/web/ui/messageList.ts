import { h, replaceChildren } from "../lib/dom.ts"
import { continuable, type ConversationView, type MessageView } from "../model/session.ts"
import { current } from "../state/current.ts"
import { projects } from "../state/directory.ts"
import { messageAction, resendEdited, selectAlternative } from "./messageActions.ts"
import { messagesPane, nearBottom, toBottom } from "./messagesPane.ts"
import { type MessageCallbacks, MessageNode } from "./messageView.ts"

/** The conversation on screen: one MessageNode per message, kept across updates; stays at the bottom if it was there. */
const nodes = new Map<string, MessageNode>()

const callbacks: MessageCallbacks = {
  onAction: (action, m) => {
    if (action !== "edit") void messageAction(action, m)
    else if (current.sessionId !== null) nodes.get(m.id)?.startEdit()
  },
  onEditSubmit: resendEdited,
  onSelectAlternative: (m, index) => void selectAlternative(m, index),
  canContinue: (m) => current.conversation !== null && continuable(current.conversation, m)
}

/** Drops the nodes of the session being left (their elements go with the next render). */
export const forgetMessages = (): void => {
  for (const n of nodes.values()) n.dispose()
  nodes.clear()
}

export const showWelcome = (): void => {
  replaceChildren(
    messagesPane,
    h(
      "div.welcome",
      null,
      h("img.welcome-logo", { src: "/favicon.svg", alt: "", width: 56, height: 56 }),
      h("h2", null, "BooCode"),
      projects().length === 0
        ? h("p", null, "Add a project folder in the sidebar, then start a session to ask questions about its code.")
        : h("p", null, "Pick a session in the sidebar, or start a new one with “+ New” next to a project."),
      h("p.muted", null, "Press ? for keyboard shortcuts.")
    )
  )
}

export const showOpenError = (message: string): void => {
  replaceChildren(messagesPane, h("div.welcome", null, h("p.form-error", null, message)))
}

export const renderMessages = (conv: ConversationView): void => {
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
      node = new MessageNode(m, callbacks)
      nodes.set(m.id, node)
    } else node.update(m)
    els.push(node.el)
  }
  if (els.length === 0) replaceChildren(messagesPane, h("div.welcome", null, h("p.muted", null, "Ask anything about this project's code.")))
  else {
    messagesPane.querySelector(".welcome")?.remove()
    // Reorder only when needed, so open <details> and selections are kept.
    els.forEach((el, i) => {
      if (messagesPane.children[i] !== el) messagesPane.insertBefore(el, messagesPane.children[i] ?? null)
    })
    while (messagesPane.children.length > els.length) messagesPane.lastElementChild?.remove()
  }
  if (stick) toBottom()
}

/** A freshly opened conversation, scrolled to its end. */
export const showConversation = (conv: ConversationView): void => {
  replaceChildren(messagesPane)
  renderMessages(conv)
  toBottom()
}

export const updateMessage = (m: MessageView): void => {
  const node = nodes.get(m.id)
  if (node === undefined) return
  const stick = nearBottom()
  node.update(m)
  if (stick) toBottom()
}

/** Scrolls a message into view and flashes it (a search hit points at it). */
export const flashMessage = (messageId: string): void => {
  const el = nodes.get(messageId)?.el
  if (!el) return
  el.scrollIntoView({ block: "center" })
  el.classList.add("flash")
  setTimeout(() => el.classList.remove("flash"), 1600)
}
