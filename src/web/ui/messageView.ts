import { h, replaceChildren } from "../lib/dom.ts"
import type { MessageView, PartView } from "../model/session.ts"
import { renderMarkdown } from "./markdown.ts"
import { messageStats } from "./messageStats.ts"
import { toolCard } from "./toolCard.ts"

export type MessageAction = "copy" | "regenerate" | "continue" | "edit" | "delete" | "fork"

export interface MessageCallbacks {
  readonly onAction: (action: MessageAction, m: MessageView) => void
  /** Whether the server would continue this answer now (the last one, stopped short). */
  readonly canContinue: (m: MessageView) => boolean
  readonly onEditSubmit: (m: MessageView, content: string) => void
  /** Shows alternative `index` (from 0) in place of the answer `m`. */
  readonly onSelectAlternative: (m: MessageView, index: number) => void
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

type PartNode =
  | { readonly kind: "text"; readonly id: string; readonly el: HTMLElement; part: PartView; rendered: string | null }
  | { readonly kind: "reasoning"; readonly id: string; readonly el: HTMLDetailsElement; part: PartView }
  | { readonly kind: "tool"; readonly id: string; el: HTMLDetailsElement; part: PartView; key: string }

/** What identifies a part across updates (a snapshot brings new objects for the same parts). */
const partId = (p: PartView): string => (p.kind === "tool" ? `tool:${p.tool.id}` : `${p.kind}:${p.start}`)

/**
 * One message on screen. An answer shows its parts in the order they happened (reasoning, text,
 * tool cards, text…); each part keeps its element, so tool cards and reasoning panels keep their
 * open state across updates.
 */
export class MessageNode {
  readonly el: HTMLElement
  private readonly head: HTMLElement
  /** A user's text; an answer's parts go in `body`. */
  private readonly bubble: HTMLElement
  private readonly body: HTMLElement
  private partNodes: Array<PartNode> = []
  private readonly placeholder: HTMLElement
  private placeholderKey = ""
  private readonly status: HTMLElement
  private readonly foot: HTMLElement
  private readonly actions: HTMLElement
  private renderedUser: string | null = null
  private renderTimer: ReturnType<typeof setTimeout> | undefined
  private lastRender = 0
  private editing = false
  private m: MessageView

  constructor(m: MessageView, private readonly cb: MessageCallbacks | null) {
    this.m = m
    this.head = h("div.msg-head")
    this.bubble = h("div.bubble")
    this.body = h("div.parts")
    this.placeholder = h("div.bubble.md.placeholder")
    this.status = h("div.status")
    this.foot = h("div.msg-foot")
    this.actions = h("div.msg-actions")
    this.el = h(
      `article.msg.msg-${m.role}`,
      { "data-id": m.id, "data-status": m.status },
      this.head,
      m.role === "user" ? this.bubble : this.body,
      this.status,
      this.foot
    )
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
    if (m.role === "assistant") this.renderParts()
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

  /** Keeps one element per part, in order; text stretches are filled by the throttled renderText. */
  private renderParts(): void {
    const parts = this.m.parts
    const streaming = this.m.status === "streaming"
    let same = 0
    while (same < this.partNodes.length && same < parts.length && this.partNodes[same].id === partId(parts[same])) same++
    for (const gone of this.partNodes.splice(same)) gone.el.remove()
    parts.forEach((part, i) => {
      const known = this.partNodes[i]
      if (known === undefined) {
        const node = this.newPart(part)
        this.partNodes.push(node)
        this.body.insertBefore(node.el, this.placeholder.isConnected ? this.placeholder : null)
      } else known.part = part
      const node = this.partNodes[i]
      if (node.kind === "reasoning" && part.kind === "reasoning") this.fillReasoning(node.el, part.text, streaming && i === parts.length - 1)
      if (node.kind === "tool" && part.kind === "tool") {
        const key = JSON.stringify([part.tool.name, part.tool.args, part.tool.result, streaming])
        if (key !== node.key) {
          const el = toolCard(part.tool, streaming, node.el.open)
          node.el.replaceWith(el)
          node.el = el
          node.key = key
        }
      }
    })
    this.renderPlaceholder()
  }

  private newPart(part: PartView): PartNode {
    const id = partId(part)
    switch (part.kind) {
      case "text":
        return { kind: "text", id, el: h("div.bubble.md"), part, rendered: null }
      case "reasoning":
        return { kind: "reasoning", id, el: h("details.reasoning", null, h("summary"), h("div.reasoning-body")), part }
      case "tool":
        return { kind: "tool", id, el: toolCard(part.tool, this.m.status === "streaming", false), part, key: "" }
    }
  }

  private fillReasoning(el: HTMLDetailsElement, text: string, thinking: boolean): void {
    const summary = el.firstElementChild
    const body = el.lastElementChild
    const label = thinking ? `Reasoning… (${text.length} chars)` : `Reasoning (${text.length} chars)`
    if (summary !== null && summary.textContent !== label) summary.textContent = label
    if (body !== null && body.textContent !== text) body.textContent = text
  }

  /** While an answer waits for its first word or tool call: "Waiting for the model" (or "Thinking" once it reasons). */
  private renderPlaceholder(): void {
    const m = this.m
    const waiting = m.status === "streaming" && !m.parts.some((p) => p.kind !== "reasoning")
    if (!waiting) {
      this.placeholder.remove()
      this.placeholderKey = ""
      return
    }
    const key = m.reasoning ? "Thinking" : "Waiting for the model"
    // Rebuilt only when its words change, so a status the LLM badge wrote into it stays.
    if (key !== this.placeholderKey) {
      this.placeholderKey = key
      replaceChildren(this.placeholder, h("span.thinking", null, key))
    }
    if (this.placeholder.parentElement !== this.body || this.body.lastElementChild !== this.placeholder) this.body.append(this.placeholder)
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
            : m.status === "complete" && m.finishReason === "length"
              ? "Cut at the length limit."
              : ""
    this.status.hidden = text === ""
    this.status.className = `status status-${m.status}${m.finishReason === "length" ? " status-length" : ""}`
    this.status.textContent = text
  }

  private renderFoot(): void {
    const parts = messageStats(this.m)
    replaceChildren(this.actions, ...this.actionButtons())
    const switcher = this.alternativeSwitcher()
    replaceChildren(this.foot, switcher, ...parts, this.cb !== null ? this.actions : null)
    this.foot.hidden = parts.length === 0 && this.cb === null && switcher === null
  }

  /** "‹ 2/3 ›" on an answer that was regenerated: the arrows show the answer before or after it. */
  private alternativeSwitcher(): HTMLElement | null {
    const alt = this.m.alternatives
    if (alt === null || alt.count < 2) return null
    const cb = this.cb
    const busy = this.m.status === "streaming"
    const arrow = (label: string, title: string, index: number) =>
      h("button", {
        type: "button", title, "aria-label": title, "data-alt": String(index),
        disabled: cb === null || busy || index < 0 || index >= alt.count,
        onclick: () => cb?.onSelectAlternative(this.m, index)
      }, label)
    return h(
      "span.alt-switch",
      { role: "group", "aria-label": "Answers" },
      arrow("‹", "Previous answer", alt.index - 1),
      h("span.alt-count", null, `${alt.index + 1}/${alt.count}`),
      arrow("›", "Next answer", alt.index + 1)
    )
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
          cb.canContinue(m) ? b("continue", "Continue", "Go on writing this answer where it stopped") : null,
          b("copy", "Copy", "Copy the answer as Markdown"),
          b("regenerate", "Regenerate", "Answer again"),
          b("fork", "Fork", "New session with the history up to here"),
          b("delete", "Delete", "Delete this message and all after it")
        ].filter((x) => x !== null)
  }

  private scheduleText(): void {
    if (this.renderTimer !== undefined) return
    const wait = Math.max(0, RENDER_EVERY_MS - (performance.now() - this.lastRender))
    this.renderTimer = setTimeout(() => {
      this.renderTimer = undefined
      this.renderText()
    }, wait)
  }

  /** Renders the Markdown of every text stretch that changed; the caret goes at the end of a streaming answer's last one. */
  private renderText(): void {
    clearTimeout(this.renderTimer)
    this.renderTimer = undefined
    if (this.editing) return
    const m = this.m
    this.lastRender = performance.now()
    if (m.role === "user") {
      if (this.renderedUser !== m.content) this.bubble.textContent = this.renderedUser = m.content
      return
    }
    const streaming = m.status === "streaming"
    const last = this.partNodes.length - 1
    this.partNodes.forEach((node, i) => {
      if (node.kind !== "text" || node.part.kind !== "text") return
      const caret = streaming && i === last
      const key = `${caret ? "s" : "d"}:${node.part.text}`
      if (node.rendered === key) return
      node.rendered = key
      replaceChildren(node.el, renderMarkdown(node.part.text))
      if (caret) appendCaret(node.el)
    })
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
      this.renderedUser = null
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
