import { api, RequestError } from "../api/client.ts"
import type { AuditEvent } from "../api/types.ts"
import { byId, formatTime, h, replaceChildren } from "../lib/dom.ts"
import { fromMessage } from "../model/session.ts"
import { MessageNode } from "./messageView.ts"

/** The audit view: the session's events with their times, and the conversation at any version. */
export const openAudit = async (sessionId: string, onError: (message: string) => void): Promise<void> => {
  const dialog = byId("audit", HTMLDialogElement)
  const list = byId("audit-events", HTMLOListElement)
  const slider = byId("audit-version", HTMLInputElement)
  const label = byId("audit-version-label", HTMLOutputElement)
  const state = byId("audit-state", HTMLElement)
  replaceChildren(list, h("li.muted", null, "Loading…"))
  replaceChildren(state)
  if (!dialog.open) dialog.showModal()

  let events: ReadonlyArray<AuditEvent>
  try {
    events = await api.events(sessionId)
  } catch (e) {
    onError(e instanceof RequestError ? e.message : "Could not load the events.")
    dialog.close()
    return
  }
  const max = events.reduce((a, e) => Math.max(a, e.version), 0)
  slider.min = events.length > 0 ? String(Math.min(...events.map((e) => e.version))) : "0"
  slider.max = String(max)
  slider.value = String(max)

  const items = events.map((e) =>
    h(
      "li",
      { "data-version": e.version, tabindex: 0, title: "Show the conversation at this version" },
      h("span.ev-v", null, `v${e.version}`),
      h("span.ev-type", null, e.type),
      h("span.ev-time", null, formatTime(e.recorded_at)),
      h("span.ev-data", null, summary(e.data))
    )
  )
  replaceChildren(list, ...items)
  for (const li of items) {
    const pick = () => {
      slider.value = li.dataset.version ?? slider.value
      show()
    }
    li.addEventListener("click", pick)
    li.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") pick()
    })
  }

  let token = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const show = () => {
    const version = Number(slider.value)
    label.value = String(version)
    for (const li of items) {
      const v = Number(li.dataset.version)
      li.classList.toggle("at", v === version)
      li.classList.toggle("after", v > version)
    }
    items.find((li) => Number(li.dataset.version) === version)?.scrollIntoView({ block: "nearest" })
    clearTimeout(timer)
    timer = setTimeout(() => void load(version), 120)
  }
  const load = async (version: number) => {
    const mine = ++token
    try {
      const at = await api.stateAt(sessionId, version)
      if (mine !== token) return
      const nodes = at.messages.map((m) => new MessageNode(fromMessage(m), null).el)
      replaceChildren(
        state,
        h("p.muted", null, `“${at.session.name}” at version ${at.version}: ${at.messages.length} message${at.messages.length === 1 ? "" : "s"}`),
        ...nodes
      )
    } catch (e) {
      if (mine === token) replaceChildren(state, h("p.form-error", null, e instanceof RequestError ? e.message : "Could not load that version."))
    }
  }
  slider.oninput = show
  show()
}

const summary = (data: unknown): string => {
  if (typeof data !== "object" || data === null) return ""
  const parts: Array<string> = []
  for (const [k, v] of Object.entries(data)) {
    if (k === "session_id" || k === "at" || k === "_tag") continue
    const s = typeof v === "string" ? v : JSON.stringify(v)
    parts.push(`${k}: ${s.length > 60 ? `${s.slice(0, 60)}…` : s}`)
  }
  return parts.join(" · ")
}
