import { h, replaceChildren } from "../lib/dom.ts"
import type { MessageView } from "../model/session.ts"
import { renderMarkdown } from "./markdown.ts"
import { messageStats } from "./messageStats.ts"
import { toolCard } from "./toolCard.ts"

export type MessageAction = "copy" | "regenerate" | "edit" | "delete" | "fork"

export interface MessageCallbacks {
  readonly onAction: (action: MessageAction, m: MessageView) => void
  readonly onEditSubmit: (m: MessageView, content: string) => void
}

/** Markdown is re-rendered from the whole text at most this often while a message streams. */
const RENDER_EVERY_MS = 90

/** The typing caret at the end of the text, inside the last paragraph or list item. */
const appendCaret = (root: HTMLElement): void => {
  let target: Element = root
  while (target.lastElementChild !== null && !["PRE", "TABLE", "CODE", "A"].includes(target.lastElementChild.tagName)) {
    target = target.lastElementChild
  }
  if (["UL", "OL", "HR", "BR", "IMG"].includes(target.tagName)) target = root
  target.append(h("span.caret", { "aria-hidden": "true" }))
}

/** One message on screen; keeps its tool cards and reasoning panel (and their open state) across updates. */
export class MessageNode {
  readonly el: HTMLElement
  private readonly head: HTMLElement
  private readonly reasoning: HTMLDetailsElement
  private readonly reasoningSummary: HTMLElement
  private readonly reasoningBody: HTMLElement
  private readonly tools: HTMLElement
  private readonly toolNodes = new Map<string, { el: HTMLDetailsElement; key: string }>()
  private readonly bubble: HTMLElement
  private readonly status: HTMLElement
  private readonly foot: HTMLElement
  private readonly actions: HTMLElement
  private renderedText: string | null = null
  private renderTimer: ReturnType<typeof setTimeout> | undefined
  private lastRender = 0
  private editing = false
  private m: MessageView

  constructor(m: MessageView, private readonly cb: MessageCallbacks | null) {
    this.m = m
    this.head = h("div.msg-head")
    this.reasoningSummary = h("summary")
    this.reasoningBody = h("div.reasoning-body")
    this.reasoning = h("details.reasoning", null, this.reasoningSummary, this.reasoningBody)
    this.tools = h("div.tools")
    this.bubble = h(m.role === "user" ? "div.bubble" : "div.bubble.md")
    this.status = h("div.status")
    this.foot = h("div.msg-foot")
    this.actions = h("div.msg-actions")
    this.el = h(`article.msg.msg-${m.role}`, { "data-id": m.id, "data-status": m.status }, this.head, this.reasoning, this.tools, this.bubble, this.status, this.foot)
    this.update(m)
  }

  get message(): MessageView {
    return this.m
  }

  /** Reflects `m` now, except the Markdown of a streaming message, which is throttled. */
  update(m: MessageView): void {
    this.m = m
    this.el.dataset.status = m.status
    this.renderHead()
    this.renderReasoning()
    this.renderTools()
    this.renderStatus()
    this.renderFoot()
    if (m.status === "streaming") this.scheduleText()
    else this.renderText()
  }

  dispose(): void {
    clearTimeout(this.renderTimer)
  }

  private renderHead(): void {
    const m = this.m
    const who = m.role === "user" ? "You" : m.model ?? "Assistant"
    replaceChildren(this.head, h("span.who", null, who), m.status === "streaming" ? h("span.badge.run", null, "streaming") : null)
  }

  private renderReasoning(): void {
    const r = this.m.reasoning
    this.reasoning.hidden = r.length === 0
    if (r.length === 0) return
    const thinking = this.m.status === "streaming" && this.m.content.length === 0
    this.reasoningSummary.textContent = thinking ? `Reasoning… (${r.length} chars)` : `Reasoning (${r.length} chars)`
    if (this.reasoningBody.textContent !== r) this.reasoningBody.textContent = r
  }

  private renderTools(): void {
    const m = this.m
    this.tools.hidden = m.tools.length === 0
    for (const t of m.tools) {
      const key = JSON.stringify([t.name, t.args, t.result])
      const known = this.toolNodes.get(t.id)
      if (known && known.key === key) continue
      const el = toolCard(t, this.m.status === "streaming", known?.el.open ?? false)
      if (known) known.el.replaceWith(el)
      else this.tools.append(el)
      this.toolNodes.set(t.id, { el, key })
    }
  }

  private renderStatus(): void {
    const m = this.m
    const text =
      m.status === "failed"
        ? `Failed: ${m.error?.message || m.error?.code || "unknown error"}`
        : m.status === "cancelled"
          ? "Stopped by you."
          : m.status === "interrupted"
            ? `Interrupted${m.reason ? `: ${m.reason}` : m.error?.message ? `: ${m.error.message}` : " (the server stopped mid-answer)."}`
            : ""
    this.status.hidden = text === ""
    this.status.className = `status status-${m.status}`
    this.status.textContent = text
  }

  private renderFoot(): void {
    const parts = messageStats(this.m)
    replaceChildren(this.actions, ...this.actionButtons())
    replaceChildren(this.foot, ...parts, this.cb !== null ? this.actions : null)
    this.foot.hidden = parts.length === 0 && this.cb === null
  }

  private actionButtons(): Array<HTMLElement> {
    const cb = this.cb
    if (cb === null) return []
    const m = this.m
    const b = (action: MessageAction, label: string, title: string) =>
      h("button", { type: "button", "data-action": action, title, onclick: () => cb.onAction(action, this.m) }, label)
    if (m.status === "streaming") return []
    return m.role === "user"
      ? [b("edit", "Edit", "Edit and resend"), b("fork", "Fork", "New session with the history up to here"), b("delete", "Delete", "Delete this message and all after it")]
      : [
          b("copy", "Copy", "Copy the answer as Markdown"),
          b("regenerate", "Regenerate", "Answer again"),
          b("fork", "Fork", "New session with the history up to here"),
          b("delete", "Delete", "Delete this message and all after it")
        ]
  }

  private scheduleText(): void {
    if (this.renderTimer !== undefined) return
    const wait = Math.max(0, RENDER_EVERY_MS - (performance.now() - this.lastRender))
    this.renderTimer = setTimeout(() => {
      this.renderTimer = undefined
      this.renderText()
    }, wait)
  }

  private renderText(): void {
    clearTimeout(this.renderTimer)
    this.renderTimer = undefined
    if (this.editing) return
    const m = this.m
    const streaming = m.status === "streaming"
    const key = `${streaming ? "s" : "d"}:${m.content}`
    if (this.renderedText === key) return
    this.renderedText = key
    this.lastRender = performance.now()
    if (m.role === "user") {
      this.bubble.textContent = m.content
      return
    }
    const empty = m.content.length === 0
    if (empty && streaming && m.tools.length === 0) {
      replaceChildren(this.bubble, h("span.thinking", null, m.reasoning ? "Thinking" : "Waiting for the model"))
      return
    }
    replaceChildren(this.bubble, renderMarkdown(m.content))
    if (streaming) appendCaret(this.bubble)
    this.bubble.hidden = empty && !streaming
  }

  /** Swaps the bubble for an editor; Enter saves and resends, Esc cancels. */
  startEdit(): void {
    const cb = this.cb
    if (cb === null || this.editing) return
    this.editing = true
    const area = h("textarea", { rows: Math.min(12, this.m.content.split("\n").length + 1), "aria-label": "Edit message" })
    area.value = this.m.content
    const finish = () => {
      this.editing = false
      this.renderedText = null
      box.replaceWith(this.bubble)
      this.renderText()
    }
    const save = () => {
      const text = area.value.trim()
      if (text === "") return
      finish()
      cb.onEditSubmit(this.m, text)
    }
    area.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault()
        save()
      } else if (e.key === "Escape") {
        e.preventDefault()
        e.stopPropagation()
        finish()
      }
    })
    const box = h(
      "div.edit-box",
      null,
      area,
      h("div.row", null, h("button", { type: "button", onclick: finish }, "Cancel"), h("button.primary", { type: "button", onclick: save }, "Save & resend"))
    )
    this.bubble.replaceWith(box)
    area.focus()
    area.setSelectionRange(area.value.length, area.value.length)
  }
}
