import type { SessionFrame } from "../api/frames.ts"
import type { Alternatives, ErrorInfo, Generation, Message, MessageStatus, SessionDetail, ToolResult, Usage } from "../api/types.ts"

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

/**
 * A stretch of the message in the order it happened. A text or reasoning stretch starts at `start`
 * (UTF-16) in the message's whole text or reasoning; a tool card holds its call and, once known, its result.
 */
export type PartView =
  | { readonly kind: "text" | "reasoning"; readonly start: number; text: string }
  | { readonly kind: "tool"; readonly tool: ToolView }

export interface MessageView {
  readonly id: string
  readonly role: "user" | "assistant"
  /** The whole text and reasoning (what deltas' offsets point into); `parts` shows them in order. */
  content: string
  reasoning: string
  tools: Array<ToolView>
  parts: Array<PartView>
  status: MessageStatus
  finishReason: string | null
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
  /** Set on an answer that was regenerated: which of the kept answers it is. */
  alternatives: Alternatives | null
}

export interface ConversationView {
  readonly sessionId: string
  name: string
  model: string
  systemPrompt: string
  generation: Generation
  version: number
  messages: Array<MessageView>
  /** From a regenerate: the alternatives of the answer about to start after message `after`. */
  coming: { readonly after: string; readonly alternatives: Alternatives } | null
}

export type Change =
  | { readonly kind: "none" }
  | { readonly kind: "message"; readonly id: string }
  | { readonly kind: "structure" }
  | { readonly kind: "session" }
  /** A delta beyond what we hold: the client must resync (reconnect from its version/offset). */
  | { readonly kind: "gap" }

/** Appends `text` to the parts: it extends the last stretch of its kind, or starts one at `start`. */
const extendParts = (parts: Array<PartView>, kind: "text" | "reasoning", start: number, text: string): void => {
  if (text === "") return
  const last = parts.at(-1)
  if (last !== undefined && last.kind === kind) last.text += text
  else parts.push({ kind, start, text })
}

/** The parts a message arrived with; a message without any (an older server) reads reasoning, tools, then text. */
const partsOf = (m: Message): { parts: Array<PartView>; tools: Array<ToolView> } => {
  const results = new Map<string, ToolResult>(m.tool_results.map((r) => [r.tool_call_id, r]))
  const parts: Array<PartView> = []
  const tools: Array<ToolView> = []
  const addTool = (id: string, name: string, args: string) => {
    const tool: ToolView = { id, name, args, result: results.get(id) ?? null }
    tools.push(tool)
    parts.push({ kind: "tool", tool })
  }
  if (m.parts.length === 0) {
    extendParts(parts, "reasoning", 0, m.reasoning)
    for (const c of m.tool_calls) addTool(c.id, c.name, c.args)
    extendParts(parts, "text", 0, m.content)
    return { parts, tools }
  }
  const length = { text: 0, reasoning: 0 }
  for (const p of m.parts) {
    switch (p.type) {
      case "text":
      case "reasoning":
        extendParts(parts, p.type, length[p.type], p.text)
        length[p.type] += p.text.length
        break
      case "tool_call":
        if (!tools.some((t) => t.id === p.tool_call_id)) addTool(p.tool_call_id, p.name, p.args)
        break
      case "tool_result": {
        const t = tools.find((x) => x.id === p.tool_call_id)
        if (t !== undefined) t.result = { tool_call_id: p.tool_call_id, output: p.output, truncated: p.truncated, error: p.error }
        break
      }
    }
  }
  return { parts, tools }
}

export const fromMessage = (m: Message): MessageView => {
  const { parts, tools } = partsOf(m)
  return {
    id: m.id,
    role: m.role,
    content: m.content,
    reasoning: m.reasoning,
    tools,
    parts,
    status: m.status,
    finishReason: m.finish_reason,
    error: m.error,
    // GET and snapshots do not carry an interrupted message's reason, its usage or timings: live frames do.
    reason: null,
    model: m.model,
    usage: null,
    tokens: m.tokens_used,
    tokPerS: m.tok_per_s,
    ctxUsed: m.ctx_used,
    ctxMax: m.ctx_max,
    timings: null,
    startedAt: m.started_at,
    finishedAt: m.finished_at,
    alternatives: m.alternatives
  }
}

export const fromDetail = (d: SessionDetail): ConversationView => ({
  sessionId: d.session.id,
  name: d.session.name,
  model: d.session.model ?? "",
  systemPrompt: d.session.system_prompt,
  generation: d.session.generation,
  version: d.version,
  messages: d.messages.map(fromMessage),
  coming: null
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
  parts: [],
  status: "streaming",
  finishReason: null,
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
  finishedAt: null,
  alternatives: null
})

/** Places `content` at `offset` in `current`: the new text, or null when there is a gap. */
export const placeText = (current: string, offset: number, content: string): string | null => {
  if (offset > current.length) return null
  const end = offset + content.length
  if (end <= current.length) return current
  return current + content.slice(current.length - offset)
}

/**
 * Whether the server will continue `m` (POST …/continue): the last message, an answer stopped short
 * (interrupted, cancelled, failed after some text, or cut at the length limit).
 */
export const continuable = (c: ConversationView, m: MessageView): boolean => {
  if (m.role !== "assistant" || c.messages.at(-1)?.id !== m.id) return false
  switch (m.status) {
    case "interrupted":
    case "cancelled":
      return true
    case "failed":
      return m.content !== ""
    case "complete":
      return m.finishReason === "length"
    case "streaming":
      return false
  }
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
const tokensUsed = (u: Usage): number => (u.total_tokens > 0 ? u.total_tokens : u.completion_tokens)

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
  if (f.type === "pong" || f.type === "error") return { kind: "none" }
  if (f.type !== "delta" && f.type !== "reasoning_delta" && f.version <= c.version) return { kind: "none" }
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
      const kind = f.type === "delta" ? "text" : "reasoning"
      extendParts(m.parts, kind, m[field].length, next.slice(m[field].length))
      m[field] = next
      return { kind: "message", id: m.id }
    }
    case "message_started": {
      if (c.messages.some((m) => m.id === f.message_id)) return { kind: "none" }
      if (f.role === "user") {
        const user: MessageView = { ...emptyAssistant(f.message_id, null, f.at), role: "user", content: f.content, status: "complete" }
        extendParts(user.parts, "text", 0, f.content)
        c.messages.push(user)
      } else {
        const answer = emptyAssistant(f.message_id, f.model ?? (c.model || null), f.at)
        if (c.coming !== null && c.coming.after === c.messages.at(-1)?.id) answer.alternatives = c.coming.alternatives
        c.coming = null
        c.messages.push(answer)
      }
      return { kind: "structure" }
    }
    case "tool_call": {
      const m = find(c, f.message_id)
      if (m === undefined) return { kind: "none" }
      if (m.tools.some((t) => t.id === f.tool_call_id)) return { kind: "none" }
      const tool: ToolView = { id: f.tool_call_id, name: f.name, args: f.args, result: null }
      m.tools.push(tool)
      m.parts.push({ kind: "tool", tool })
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
        m.finishReason = f.finish_reason
        m.usage = f.usage ?? m.usage
        m.tokens = f.usage ? tokensUsed(f.usage) : m.tokens
        m.ctxUsed = f.ctx.used ?? m.ctxUsed
        m.ctxMax = f.ctx.max ?? m.ctxMax
        m.timings = f.timings ?? m.timings
        m.tokPerS = tokPerSecond(m.usage, m.timings, m.startedAt, m.finishedAt)
      })
    case "message_failed":
      return end(c, f.message_id, "failed", f.at, (m) => {
        m.error = f.error
      })
    case "message_cancelled":
      return end(c, f.message_id, "cancelled", f.at)
    case "message_interrupted":
      return end(c, f.message_id, "interrupted", f.at, (m) => {
        m.reason = f.reason
      })
    case "message_continued": {
      const m = c.messages.find((x) => x.id === f.message_id)
      if (m === undefined) return { kind: "none" }
      m.status = "streaming"
      m.error = null
      m.reason = null
      m.finishReason = null
      m.finishedAt = null
      return { kind: "message", id: m.id }
    }
    case "messages_deleted":
    case "messages_set_aside": {
      const gone = new Set(f.message_ids)
      c.messages = c.messages.filter((m) => !gone.has(m.id))
      if (f.type === "messages_set_aside") c.coming = { after: f.after, alternatives: f.alternatives }
      return { kind: "structure" }
    }
    case "alternative_selected": {
      const at = c.messages.findIndex((m) => m.id === f.after)
      if (at < 0) return { kind: "gap" }
      c.messages = [...c.messages.slice(0, at + 1), ...f.messages.map(fromMessage)]
      return { kind: "structure" }
    }
    case "session_renamed":
      c.name = f.name
      return { kind: "session" }
    case "session_updated":
      if (f.model !== undefined) c.model = f.model ?? ""
      if (f.system_prompt !== undefined) c.systemPrompt = f.system_prompt
      if (f.generation !== undefined) c.generation = f.generation
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
