import type { MessageId } from "../ids.ts"
import type { SessionEvent } from "./events.ts"
import type { MessagePart, MessageSnapshot } from "./message.ts"
import { type Alternatives, initialState, type SessionState } from "./state.ts"

type Mutable<T> = { -readonly [K in keyof T]: T[K] }
type DraftMessage = Mutable<MessageSnapshot>

/**
 * A transient, mutable copy of a state, private to one `evolve` or one `fold`. Only objects the
 * draft made itself (its messages array and the messages in `owned`) are ever changed in place:
 * messages shared with the input state or with an event are copied on their first change. So a
 * fold pays for one copy of the message list, not one per event, and a delta costs O(1) amortised
 * (the streaming message is found from the end, and V8 appends to a string without copying it).
 */
interface Draft extends Mutable<Omit<SessionState, "messages">> {
  messages: Array<MessageSnapshot>
  /** Messages and parts arrays this draft made, so it may change them in place. */
  readonly owned: Set<object>
}

const toDraft = (state: SessionState): Draft => ({ ...state, messages: state.messages.slice(), owned: new Set() })

const toState = ({ owned: _, ...state }: Draft): SessionState => state

const newMessage = (
  draft: Draft,
  id: MessageId,
  role: MessageSnapshot["role"],
  at: string,
  fields: Partial<MessageSnapshot>
) => {
  const message: DraftMessage = {
    id, role, content: "", reasoning: "", tool_calls: [], tool_results: [], status: "streaming", error: null,
    finish_reason: null, usage: null, ctx_used: null, ctx_max: null, timings: null, model: null,
    started_at: at, finished_at: null, parts: [], ...fields
  }
  draft.owned.add(message)
  draft.messages.push(message)
}

/** Changes one message in place (a copy of it, the first time); searched from the end, where the streaming one is. */
const updateMessage = (draft: Draft, id: MessageId, f: (m: DraftMessage) => void) => {
  const index = draft.messages.findLastIndex((m) => m.id === id)
  if (index < 0) return
  const current = draft.messages[index]
  if (draft.owned.has(current)) return f(current)
  const copy: DraftMessage = { ...current }
  draft.owned.add(copy)
  draft.messages[index] = copy
  f(copy)
}

/** The message's parts, as an array this draft may change (copied from the shared one the first time). */
const ownParts = (draft: Draft, m: DraftMessage): Array<MessagePart> => {
  if (draft.owned.has(m.parts)) return m.parts as Array<MessagePart>
  const copy = [...m.parts]
  draft.owned.add(copy)
  m.parts = copy
  return copy
}

/** Text appended to the message's content or reasoning: the stretch it continues grows, else a new one starts. */
const extend = (draft: Draft, m: DraftMessage, type: "text" | "reasoning", start: number, end: number) => {
  const parts = ownParts(draft, m)
  const last = parts[parts.length - 1]
  if (last !== undefined && last.type === type && last.end === start) parts[parts.length - 1] = { type, start: last.start, end }
  else parts.push({ type, start, end })
}

/** Ends the open message: clears open_message_id when it is that message. */
const finish = (draft: Draft, id: MessageId, f: (m: DraftMessage) => void) => {
  updateMessage(draft, id, f)
  if (draft.open_message_id === id) draft.open_message_id = null
}

const applyEvent = (draft: Draft, event: SessionEvent): void => {
  switch (event._tag) {
    case "SessionCreated":
      draft.exists = true
      draft.session_id = event.session_id
      draft.project_id = event.project_id
      draft.name = event.name
      draft.name_by = "default"
      draft.model = event.model
      draft.system_prompt = event.system_prompt
      draft.forked_from = event.forked_from ?? null
      draft.created_at = event.at
      return
    case "MessagesCopied":
      for (const m of event.messages) draft.messages.push(m)
      return
    case "SessionRenamed":
      draft.name = event.name
      draft.name_by = event.by
      return
    case "SessionSettingsChanged":
      if (event.model !== undefined) draft.model = event.model
      draft.system_prompt = event.system_prompt ?? draft.system_prompt
      draft.generation = event.generation ?? draft.generation
      return
    case "SessionDeleted":
      draft.deleted = true
      return
    case "UserMessagePosted":
      return newMessage(draft, event.message_id, "user", event.at, {
        content: event.content, status: "complete", finished_at: event.at
      })
    case "AssistantMessageStarted":
      newMessage(draft, event.message_id, "assistant", event.at, { model: event.model })
      draft.open_message_id = event.message_id
      return
    case "AssistantMessageContinued":
      updateMessage(draft, event.message_id, (m) => {
        m.status = "streaming"
        m.error = null
        m.finish_reason = null
        m.finished_at = null
      })
      draft.open_message_id = event.message_id
      return
    case "TextDelta":
      return updateMessage(draft, event.message_id, (m) => {
        const start = m.content.length
        m.content += event.text
        extend(draft, m, "text", start, m.content.length)
      })
    case "ReasoningDelta":
      return updateMessage(draft, event.message_id, (m) => {
        const start = m.reasoning.length
        m.reasoning += event.text
        extend(draft, m, "reasoning", start, m.reasoning.length)
      })
    case "ToolCallRequested": {
      const call = { id: event.tool_call_id, name: event.name, args: event.args }
      return updateMessage(draft, event.message_id, (m) => {
        m.tool_calls = [...m.tool_calls, call]
        ownParts(draft, m).push({ type: "tool_call", tool_call_id: event.tool_call_id })
      })
    }
    case "ToolResultRecorded": {
      const result = {
        tool_call_id: event.tool_call_id, output: event.output, truncated: event.truncated, error: event.error ?? null
      }
      return updateMessage(draft, event.message_id, (m) => {
        m.tool_results = [...m.tool_results, result]
        ownParts(draft, m).push({ type: "tool_result", tool_call_id: event.tool_call_id })
      })
    }
    case "AssistantMessageCompleted":
      return finish(draft, event.message_id, (m) => {
        m.status = "complete"
        m.model = event.model ?? m.model
        m.finish_reason = event.finish_reason
        m.usage = event.usage
        m.ctx_used = event.ctx_used
        m.ctx_max = event.ctx_max
        m.timings = event.timings
        m.finished_at = event.at
      })
    case "AssistantMessageFailed":
      return finish(draft, event.message_id, (m) => {
        m.status = "failed"
        m.error = event.error
        m.finished_at = event.at
      })
    case "CancelRequested":
      return
    case "AssistantMessageCancelled":
      return finish(draft, event.message_id, (m) => {
        m.status = "cancelled"
        m.finished_at = event.at
      })
    case "AssistantMessageInterrupted":
      return finish(draft, event.message_id, (m) => {
        m.status = "interrupted"
        m.error = { code: "interrupted", message: event.reason }
        m.finished_at = event.at
      })
    case "MessagesDeleted": {
      const gone = new Set<MessageId>(event.message_ids)
      const first = draft.messages.findIndex((m) => gone.has(m.id))
      // What is deleted from an answer on takes that answer's alternatives with it.
      const before = first > 0 ? draft.messages[first - 1].id : undefined
      draft.messages = draft.messages.filter((m) => !gone.has(m.id))
      if (draft.open_message_id !== null && gone.has(draft.open_message_id)) draft.open_message_id = null
      draft.alternatives = reachable(draft.messages, draft.alternatives.filter((a) => a.after !== before))
      return
    }
    case "MessagesSetAside": {
      const aside = new Set<MessageId>(event.message_ids)
      const tail = draft.messages.filter((m) => aside.has(m.id))
      draft.messages = draft.messages.filter((m) => !aside.has(m.id))
      const kept = draft.alternatives.find((a) => a.after === event.after)
      const tails = kept === undefined ? [tail] : kept.tails.map((t, i) => (i === kept.active ? tail : t))
      draft.alternatives = [
        ...draft.alternatives.filter((a) => a !== kept),
        { after: event.after, active: tails.length, tails: [...tails, []] }
      ]
      return
    }
    case "AlternativeSelected": {
      const kept = draft.alternatives.find((a) => a.after === event.after)
      const at = draft.messages.findIndex((m) => m.id === event.after)
      if (kept === undefined || at < 0 || kept.tails[event.index] === undefined) return
      const current = draft.messages.slice(at + 1)
      draft.messages = [...draft.messages.slice(0, at + 1), ...kept.tails[event.index]]
      const tails = kept.tails.map((t, i) => (i === event.index ? [] : i === kept.active ? current : t))
      draft.alternatives = draft.alternatives.map((a) => (a === kept ? { after: a.after, active: event.index, tails } : a))
      return
    }
  }
}

/** The alternatives still attached to a message the session holds (shown, or in a tail kept aside). */
const reachable = (messages: ReadonlyArray<MessageSnapshot>, alternatives: ReadonlyArray<Alternatives>): Array<Alternatives> => {
  let kept = alternatives.slice()
  for (;;) {
    const ids = new Set<MessageId>(messages.map((m) => m.id))
    for (const a of kept) for (const tail of a.tails) for (const m of tail) ids.add(m.id)
    const next = kept.filter((a) => ids.has(a.after))
    if (next.length === kept.length) return next
    kept = next
  }
}

const step = (draft: Draft, event: SessionEvent) => {
  applyEvent(draft, event)
  draft.updated_at = event.at
  draft.version += 1
}

/** Pure and immutable: returns a new state, never changes `state` or `event`. */
export const evolve = (state: SessionState, event: SessionEvent): SessionState => {
  const draft = toDraft(state)
  step(draft, event)
  return toState(draft)
}

/** The same result as applying `evolve` event by event, with one copy of the message list for the whole run. */
export const fold = (events: Iterable<SessionEvent>, from: SessionState = initialState): SessionState => {
  const draft = toDraft(from)
  for (const event of events) step(draft, event)
  return toState(draft)
}
