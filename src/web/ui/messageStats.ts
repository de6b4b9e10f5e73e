import { h } from "../lib/dom.ts"
import type { MessageView } from "../model/session.ts"

/** The line under a finished answer: model, tokens, speed, duration and how full the context is. */
const formatDuration = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : ms < 60000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60000)}m ${Math.round((ms % 60000) / 1000)}s`)

const compact = (n: number): string => (n >= 10000 ? `${(n / 1000).toFixed(1)}k` : String(n))

const contextMeter = (used: number, max: number): HTMLElement => {
  const ratio = Math.min(1, used / max)
  const fill = h(`span.ctx-fill${ratio > 0.95 ? ".full" : ratio > 0.8 ? ".high" : ""}`)
  fill.style.width = `${(ratio * 100).toFixed(1)}%`
  return h(
    "span.ctx",
    { title: `Context: ${used} of ${max} tokens` },
    h("span.ctx-bar", { role: "meter", "aria-valuemin": 0, "aria-valuemax": max, "aria-valuenow": used, "aria-label": "Context used" }, fill),
    `${compact(used)} / ${compact(max)}`
  )
}

export const messageStats = (m: MessageView): Array<Node> => {
  const parts: Array<Node> = []
  if (m.role !== "assistant" || m.status === "streaming") return parts
  if (m.model) parts.push(h("span", { title: "Model" }, m.model))
  if (m.tokens !== null) parts.push(h("span", { title: "Tokens used (prompt + completion)" }, `${compact(m.tokens)} tokens`))
  if (m.tokPerS !== null) parts.push(h("span", { title: "Generation speed" }, `${m.tokPerS.toFixed(1)} tok/s`))
  if (m.startedAt && m.finishedAt) {
    const ms = new Date(m.finishedAt).getTime() - new Date(m.startedAt).getTime()
    if (ms >= 0) parts.push(h("span", { title: "Duration" }, formatDuration(ms)))
  }
  if (m.ctxUsed !== null && m.ctxMax !== null && m.ctxMax > 0) parts.push(contextMeter(m.ctxUsed, m.ctxMax))
  else if (m.ctxUsed !== null) parts.push(h("span", { title: "Context used" }, `ctx ${compact(m.ctxUsed)}`))
  return parts
}
