import { alternativesAt, type ExpandedPart, expandParts, type MessageSnapshot, type SessionState } from "../../domain/index.ts"
import type { StoredEvent } from "../../infra/eventstore/model.ts"
import type { LoggedEvent, Message, MessagePartView, Session } from "../api/schemas.ts"

const seconds = (from: string, to: string | null) => (to === null ? 0 : (Date.parse(to) - Date.parse(from)) / 1000)

/** tokens_used: total tokens, or completion tokens when the server did not count a total. */
const tokensUsed = (m: MessageSnapshot) =>
  m.usage === null ? null : m.usage.total_tokens > 0 ? m.usage.total_tokens : m.usage.completion_tokens

/** tok_per_s: the server's own timing when it gives one, else completion tokens over the duration. */
const tokPerS = (m: MessageSnapshot) => {
  const predicted = m.timings?.["predicted_per_second"]
  if (predicted !== undefined) return predicted
  const duration = seconds(m.started_at, m.finished_at)
  return m.usage === null || duration <= 0 ? null : m.usage.completion_tokens / duration
}

export const messageView = (
  sessionId: string,
  m: MessageSnapshot,
  liveText?: { text: string; reasoning: string },
  alternatives: { readonly index: number; readonly count: number } | null = null
): Message => ({
  id: m.id,
  session_id: sessionId,
  role: m.role,
  content: liveText !== undefined && liveText.text.length > m.content.length ? liveText.text : m.content,
  reasoning: liveText !== undefined && liveText.reasoning.length > m.reasoning.length ? liveText.reasoning : m.reasoning,
  tool_calls: m.tool_calls,
  tool_results: m.tool_results,
  status: m.status,
  finish_reason: m.finish_reason,
  error: m.error,
  tokens_used: tokensUsed(m),
  ctx_used: m.ctx_used,
  ctx_max: m.ctx_max,
  tok_per_s: tokPerS(m),
  started_at: m.started_at,
  finished_at: m.finished_at,
  model: m.model,
  parts: expandParts(m, liveText).map(partView),
  alternatives
})

/**
 * The shown messages of a session, each with its alternatives; `live` is the hub's text of the
 * message in flight, used only while the log shows that message streaming (an ended one has all its text in the log).
 */
export const messagesView = (sessionId: string, state: SessionState, live?: InFlightText): Array<Message> =>
  state.messages.map((m, i) =>
    messageView(sessionId, m, live !== undefined && live.message_id === m.id && m.status === "streaming" ? live : undefined, alternativesAt(state, i))
  )

interface InFlightText {
  readonly message_id: string
  readonly text: string
  readonly reasoning: string
}

const partView = (p: ExpandedPart): MessagePartView => {
  switch (p.type) {
    case "text":
    case "reasoning":
      return { type: p.type, text: p.text }
    case "tool_call":
      return { type: "tool_call", tool_call_id: p.tool_call.id, name: p.tool_call.name, args: p.tool_call.args }
    case "tool_result":
      return { type: "tool_result", ...p.tool_result }
  }
}

export const sessionView = (state: SessionState, version: number): Session => ({
  id: state.session_id ?? "",
  project_id: state.project_id ?? "",
  name: state.name,
  name_by: state.name_by,
  model: state.model,
  system_prompt: state.system_prompt,
  generation: state.generation,
  forked_from: state.forked_from,
  busy: state.open_message_id !== null,
  open_message_id: state.open_message_id,
  created_at: state.created_at ?? "",
  updated_at: state.updated_at ?? "",
  version
})

/** A stored event in the shape of GET /api/sessions/{id}/events (and the CLI's NDJSON export). */
export const loggedEventView = (e: StoredEvent): LoggedEvent => ({
  version: e.stream_version,
  global_position: e.global_position,
  type: e.type,
  data: e.data,
  recorded_at: e.recorded_at.toISOString()
})
