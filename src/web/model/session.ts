import type { SessionFrame } from "../api/frames.ts"
import type { ErrorInfo, Message, MessageStatus, SessionDetail, ToolResult, Usage } from "../api/types.ts"

/**
 * The conversation as the browser holds it, and how frames change it. Pure (no DOM): the socket
 * layer feeds frames in, the view re-renders what `apply` says changed. Persisted frames at or
 * below `version` are dropped; deltas are placed by their UTF-16 offset, so a frame seen twice
 * (after a reconnect) changes nothing and nothing is lost as long as there is no gap.
 */
export interface ToolView {
  readonly id: string
  name: string
  args: string
  result: ToolResult | null
}

export interface MessageView {
  readonly id: string
  readonly role: "user" | "assistant"
  content: string
  reasoning: string
  tools: Array<ToolView>
  status: MessageStatus
  error: ErrorInfo | null
  reason: string | null
  model: string | null
  usage: Usage | null
  tokens: number | null
  tokPerS: number | null
  ctxUsed: number | null
  ctxMax: number | null
  timings: Readonly<Record<string, number>> | null
  startedAt: string | null
  finishedAt: string | null
}

export interface ConversationView {
  readonly sessionId: string
  name: string
  model: string
  systemPrompt: string
  version: number
  messages: Array<MessageView>
}

export type Change =
  | { readonly kind: "none" }
  | { readonly kind: "message"; readonly id: string }
  | { readonly kind: "structure" }
  | { readonly kind: "session" }
  /** A delta beyond what we hold: the client must resync (reconnect from its version/offset). */
  | { readonly kind: "gap" }

export const fromMessage = (m: Message): MessageView => {
  const results = new Map(m.tool_results.map((r) => [r.tool_call_id, r]))
  return {
    id: m.id,
    role: m.role,
    content: m.content,
    reasoning: m.reasoning,
    tools: m.tool_calls.map((c) => ({ id: c.id, name: c.name, args: c.args, result: results.get(c.id) ?? null })),
    status: m.status,
    error: m.error ?? null,
    reason: m.reason ?? null,
    model: m.model ?? null,
    usage: m.usage ?? null,
    tokens: m.tokens_used ?? (m.usage ? tokensUsed(m.usage) : null),
    tokPerS: m.tok_per_s ?? null,
    ctxUsed: m.ctx_used ?? null,
    ctxMax: m.ctx_max ?? null,
    timings: m.timings ?? null,
    startedAt: m.started_at ?? null,
    finishedAt: m.finished_at ?? null
  }
}

export const fromDetail = (d: SessionDetail): ConversationView => ({
  sessionId: d.session.id,
  name: d.session.name,
  model: d.session.model,
  systemPrompt: d.session.system_prompt,
  version: d.version,
  messages: d.messages.map(fromMessage)
})

/** The message still streaming, if any (the last assistant message with status streaming). */
export const streamingMessage = (c: ConversationView): MessageView | undefined => {
  for (let i = c.messages.length - 1; i >= 0; i--) {
    const m = c.messages[i]
    if (m.role === "assistant" && m.status === "streaming") return m
  }
  return undefined
}

/** Where to resume a socket: every persisted frame up to `after`, and `offset` chars of the streaming text. */
export const resumePoint = (
  c: ConversationView
): { readonly after: number; readonly offset: number; readonly reasoningOffset: number; readonly messageId: string | undefined } => {
  const m = streamingMessage(c)
  return { after: c.version, offset: m?.content.length ?? 0, reasoningOffset: m?.reasoning.length ?? 0, messageId: m?.id }
}

const emptyAssistant = (id: string, model: string | null, at: string | null): MessageView => ({
  id,
  role: "assistant",
  content: "",
  reasoning: "",
  tools: [],
  status: "streaming",
  error: null,
  reason: null,
  model,
  usage: null,
  tokens: null,
  tokPerS: null,
  ctxUsed: null,
  ctxMax: null,
  timings: null,
  startedAt: at,
  finishedAt: null
})

/** Places `content` at `offset` in `current`: the new text, or null when there is a gap. */
export const placeText = (current: string, offset: number, content: string): string | null => {
  if (offset > current.length) return null
  const end = offset + content.length
  if (end <= current.length) return current
  return current + content.slice(current.length - offset)
}

const find = (c: ConversationView, id: string | undefined): MessageView | undefined =>
  id === undefined ? streamingMessage(c) : c.messages.find((m) => m.id === id)

const findTool = (c: ConversationView, messageId: string | undefined, toolId: string): ToolView | undefined => {
  const own = find(c, messageId)?.tools.find((t) => t.id === toolId)
  if (own) return own
  for (const m of c.messages) {
    const t = m.tools.find((x) => x.id === toolId)
    if (t) return t
  }
  return undefined
}

/** As the server counts tokens_used: the total when known, else the completion tokens. */
const tokensUsed = (u: Usage): number => (u.total_tokens !== undefined && u.total_tokens > 0 ? u.total_tokens : u.completion_tokens)

const tokPerSecond = (
  usage: Usage | null,
  timings: Readonly<Record<string, number>> | null,
  started: string | null,
  finished: string | null
): number | null => {
  const fromTimings = timings?.predicted_per_second
  if (fromTimings !== undefined) return fromTimings
  if (usage === null || !started || !finished) return null
  const secs = (new Date(finished).getTime() - new Date(started).getTime()) / 1000
  return secs > 0 && usage.completion_tokens > 0 ? usage.completion_tokens / secs : null
}

/** Ends the message a terminal frame names (the streaming one if it names none), then records what else the frame says. */
const end = (
  c: ConversationView,
  messageId: string | undefined,
  status: MessageStatus,
  at: string | undefined,
  record: (m: MessageView) => void = () => undefined
): Change => {
  const m = find(c, messageId)
  if (m === undefined) return { kind: "none" }
  m.status = status
  m.finishedAt = at ?? new Date().toISOString()
  record(m)
  return { kind: "message", id: m.id }
}

export const apply = (c: ConversationView, f: SessionFrame): Change => {
  if (f.type === "pong") return { kind: "none" }
  if (f.type !== "delta" && f.type !== "reasoning_delta" && f.version !== undefined && f.version <= c.version) return { kind: "none" }
  if (f.version !== undefined && f.version > c.version) c.version = f.version
  switch (f.type) {
    case "delta":
    case "reasoning_delta": {
      const m = c.messages.find((x) => x.id === f.message_id)
      if (m === undefined) return f.version !== undefined ? { kind: "none" } : { kind: "gap" }
      const field = f.type === "delta" ? "content" : "reasoning"
      const next = placeText(m[field], f.offset, f.content)
      if (next === null) return { kind: "gap" }
      if (next === m[field]) return { kind: "none" }
      m[field] = next
      return { kind: "message", id: m.id }
    }
    case "message_started": {
      if (c.messages.some((m) => m.id === f.message_id)) return { kind: "none" }
      if (f.role === "user") {
        c.messages.push({ ...emptyAssistant(f.message_id, null, f.at ?? null), role: "user", content: f.content, status: "complete" })
      } else {
        c.messages.push(emptyAssistant(f.message_id, f.model ?? (c.model || null), f.at ?? new Date().toISOString()))
      }
      return { kind: "structure" }
    }
    case "tool_call": {
      const m = find(c, f.message_id)
      if (m === undefined) return { kind: "none" }
      if (!m.tools.some((t) => t.id === f.tool_call_id)) m.tools.push({ id: f.tool_call_id, name: f.name, args: f.args, result: null })
      return { kind: "message", id: m.id }
    }
    case "tool_result": {
      const t = findTool(c, f.message_id, f.tool_call_id)
      if (t === undefined) return { kind: "none" }
      t.result = { tool_call_id: f.tool_call_id, output: f.output, truncated: f.truncated, error: f.error }
      const owner = c.messages.find((m) => m.tools.includes(t))
      return owner ? { kind: "message", id: owner.id } : { kind: "none" }
    }
    case "message_complete":
      return end(c, f.message_id, "complete", f.at, (m) => {
        m.usage = f.usage ?? m.usage
        m.tokens = f.usage ? tokensUsed(f.usage) : m.tokens
        m.ctxUsed = f.ctx?.used ?? f.ctx_used ?? m.ctxUsed
        m.ctxMax = f.ctx?.max ?? f.ctx_max ?? m.ctxMax
        m.timings = f.timings ?? m.timings
        m.tokPerS = tokPerSecond(m.usage, m.timings, m.startedAt, m.finishedAt)
      })
    case "message_failed":
      return end(c, f.message_id, "failed", f.at, (m) => {
        m.error = f.error ?? { code: "failed", message: "The answer failed." }
      })
    case "message_cancelled":
      return end(c, f.message_id, "cancelled", f.at)
    case "message_interrupted":
      return end(c, f.message_id, "interrupted", f.at, (m) => {
        m.reason = f.reason ?? null
      })
    case "messages_deleted": {
      const gone = new Set(f.message_ids)
      c.messages = c.messages.filter((m) => !gone.has(m.id))
      return { kind: "structure" }
    }
    case "session_renamed":
      c.name = f.name
      return { kind: "session" }
    case "session_updated":
      if (f.model !== undefined) c.model = f.model ?? ""
      if (f.system_prompt !== undefined) c.systemPrompt = f.system_prompt
      if (f.name !== undefined) c.name = f.name
      return { kind: "session" }
    case "session_deleted":
      return { kind: "session" }
    case "messages_copied": {
      const known = new Set(c.messages.map((m) => m.id))
      c.messages.push(...f.messages.filter((m) => !known.has(m.id)).map(fromMessage))
      return { kind: "structure" }
    }
    case "snapshot":
      Object.assign(c, fromDetail(f.session), { version: f.version })
      return { kind: "structure" }
    case "caught_up":
      return { kind: "none" }
  }
}
