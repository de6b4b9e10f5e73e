import { api } from "../api/client.ts"
import type { LlmStatus } from "../api/types.ts"
import { byId, h } from "../lib/dom.ts"
import { streamingMessage } from "../model/session.ts"
import { current } from "../state/current.ts"

/**
 * The "is the LLM there?" badge in the top bar, from GET /api/llm/status: asked on load, every
 * 30 s, after an answer fails, and every 2 s while an answer waits for its first word (that is
 * when a model loads). The server keeps llama-swap's loading progress and llama-server's 503s out
 * of the answer; this is how the page learns a model is loading: the status says so (loading), or
 * it lists what is loaded and the session's model is not among it. Nothing of it is stored.
 */
const REFRESH_MS = 30_000
const WAITING_REFRESH_MS = 2_000
const TICK_MS = 1_000
const WAITING_TEXT = "Waiting for the model"
const LOADING_TEXT = "Loading model…"
/** The placeholder's own "…" comes from the stylesheet (.thinking::after). */
const LOADING_PLACEHOLDER = "Loading model"

type State = "checking" | "up" | "loading" | "down"

const label = h("span.llm-label", null, "LLM")
const badge = h("span.llm.llm-checking", { id: "llm", role: "status", "data-state": "checking", title: "Asking the LLM server…" }, h("span.dot"), label)

let status: LlmStatus | null = null
let asking = false
let askedAt = 0
/** The streaming answer being watched, to notice when it fails or gets its first word. */
let watched: { id: string; waiting: boolean } | null = null

const waitingMessage = () => {
  const conv = current.conversation
  const m = conv === null ? undefined : streamingMessage(conv)
  if (m === undefined) return null
  return { id: m.id, waiting: m.content === "" && m.reasoning === "" && m.tools.length === 0 }
}

/** The session's model is not among the loaded ones while its answer waits: it is being loaded. */
const isLoading = (s: LlmStatus, waiting: boolean): boolean => {
  if (!s.reachable) return false
  if (s.loading) return true
  if (!waiting || s.loaded === null) return false
  const model = current.conversation?.model ?? ""
  return model === "" ? s.loaded.length === 0 : !s.loaded.includes(model)
}

const describe = (s: LlmStatus): string => {
  const lines = [`LLM server: ${s.url}`]
  if (s.loaded !== null) lines.push(`Loaded: ${s.loaded.length > 0 ? s.loaded.join(", ") : "none (the first answer loads one)"}`)
  if (s.models.length > 0) lines.push(`Models: ${s.models.join(", ")}`)
  return lines.join("\n")
}

const render = () => {
  const waiting = watched?.waiting === true
  const s = status
  const state: State = s === null ? "checking" : !s.reachable ? "down" : isLoading(s, waiting) ? "loading" : "up"
  badge.className = `llm llm-${state}`
  badge.dataset.state = state
  if (s === null) {
    label.textContent = "LLM"
    badge.title = "Asking the LLM server…"
  } else if (!s.reachable) {
    label.textContent = "LLM down"
    badge.title = s.error ?? `Nothing usable answers at ${s.url}`
  } else {
    label.textContent = state === "loading"
      ? LOADING_TEXT
      : s.loaded === null ? "LLM ready" : s.loaded.length > 0 ? s.loaded.join(", ") : "No model loaded"
    badge.title = describe(s)
  }
  showInAnswer(state === "loading" && waiting ? watched?.id ?? null : null)
}

/** The waiting answer's placeholder says the model is loading: a status next to the answer, never its text. */
const showInAnswer = (loadingId: string | null) => {
  for (const el of document.querySelectorAll<HTMLElement>("article.msg-assistant .bubble .thinking")) {
    const article = el.closest("article")
    const loading = loadingId !== null && article?.getAttribute("data-id") === loadingId
    const text = el.textContent ?? ""
    if (loading && text === WAITING_TEXT) {
      el.textContent = LOADING_PLACEHOLDER
      el.dataset.llm = "loading"
    } else if (!loading && el.dataset.llm === "loading") {
      el.textContent = WAITING_TEXT
      delete el.dataset.llm
    }
  }
}

export const refreshLlmStatus = async (): Promise<void> => {
  if (asking) return
  asking = true
  askedAt = Date.now()
  try {
    status = await api.llmStatus()
  } catch (e) {
    // BooCode itself did not answer: say so rather than keep an old "up"
    const message = e instanceof Error ? e.message : String(e)
    status = { url: status?.url ?? "", reachable: false, loading: false, models: [], loaded: null, error: `BooCode could not ask: ${message}` }
  } finally {
    asking = false
  }
  render()
}

const tick = () => {
  const now = waitingMessage()
  const before = watched
  watched = now
  if (before !== null && (now === null || now.id !== before.id)) {
    const conv = current.conversation
    const ended = conv?.messages.find((m) => m.id === before.id)
    // the answer failed, or it got past waiting: what the server has loaded may have changed
    if (ended?.status === "failed" || before.waiting) void refreshLlmStatus()
  } else if (before?.waiting === true && now?.waiting === false) {
    void refreshLlmStatus()
  }
  const every = watched?.waiting === true ? WAITING_REFRESH_MS : REFRESH_MS
  if (document.visibilityState === "visible" && Date.now() - askedAt >= every) void refreshLlmStatus()
  else render()
}

/** Puts the badge in the top bar, after the title, and starts asking. */
export const wireLlmIndicator = (): void => {
  byId("title", HTMLHeadingElement).after(badge)
  render()
  void refreshLlmStatus()
  setInterval(tick, TICK_MS)
}
