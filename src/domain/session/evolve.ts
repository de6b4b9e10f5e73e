import type { MessageId } from "../ids.ts"
import type { SessionEvent } from "./events.ts"
import type { MessageSnapshot } from "./message.ts"
import { initialState, type SessionState } from "./state.ts"

const newMessage = (
  id: MessageId,
  role: MessageSnapshot["role"],
  at: string,
  fields: Partial<MessageSnapshot>
): MessageSnapshot => ({
  id, role, content: "", reasoning: "", tool_calls: [], tool_results: [], status: "streaming", error: null,
  finish_reason: null, usage: null, ctx_used: null, ctx_max: null, timings: null, model: null,
  started_at: at, finished_at: null, ...fields
})

/** Replaces one message; searched from the end, where the streaming one almost always is. */
const updateMessage = (
  state: SessionState,
  id: MessageId,
  f: (m: MessageSnapshot) => MessageSnapshot
): ReadonlyArray<MessageSnapshot> => {
  const index = state.messages.findLastIndex((m) => m.id === id)
  if (index < 0) return state.messages
  const next = state.messages.slice()
  next[index] = f(state.messages[index])
  return next
}

/** Ends the open message: clears open_message_id when it is that message. */
const finish = (
  state: SessionState,
  id: MessageId,
  f: (m: MessageSnapshot) => MessageSnapshot
): SessionState => ({
  ...state,
  messages: updateMessage(state, id, f),
  open_message_id: state.open_message_id === id ? null : state.open_message_id
})

const applyEvent = (state: SessionState, event: SessionEvent): SessionState => {
  switch (event._tag) {
    case "SessionCreated":
      return {
        ...state, exists: true, session_id: event.session_id, project_id: event.project_id, name: event.name,
        name_by: "default", model: event.model, system_prompt: event.system_prompt,
        forked_from: event.forked_from ?? null, created_at: event.at
      }
    case "MessagesCopied":
      return { ...state, messages: [...state.messages, ...event.messages] }
    case "SessionRenamed":
      return { ...state, name: event.name, name_by: event.by }
    case "SessionSettingsChanged":
      return {
        ...state,
        model: event.model === undefined ? state.model : event.model,
        system_prompt: event.system_prompt ?? state.system_prompt
      }
    case "SessionDeleted":
      return { ...state, deleted: true }
    case "UserMessagePosted": {
      const message = newMessage(event.message_id, "user", event.at, {
        content: event.content, status: "complete", finished_at: event.at
      })
      return { ...state, messages: [...state.messages, message] }
    }
    case "AssistantMessageStarted": {
      const message = newMessage(event.message_id, "assistant", event.at, { model: event.model })
      return { ...state, messages: [...state.messages, message], open_message_id: event.message_id }
    }
    case "TextDelta":
      return { ...state, messages: updateMessage(state, event.message_id, (m) => ({ ...m, content: m.content + event.text })) }
    case "ReasoningDelta":
      return {
        ...state,
        messages: updateMessage(state, event.message_id, (m) => ({ ...m, reasoning: m.reasoning + event.text }))
      }
    case "ToolCallRequested": {
      const call = { id: event.tool_call_id, name: event.name, args: event.args }
      return { ...state, messages: updateMessage(state, event.message_id, (m) => ({ ...m, tool_calls: [...m.tool_calls, call] })) }
    }
    case "ToolResultRecorded": {
      const result = {
        tool_call_id: event.tool_call_id, output: event.output, truncated: event.truncated, error: event.error ?? null
      }
      return {
        ...state,
        messages: updateMessage(state, event.message_id, (m) => ({ ...m, tool_results: [...m.tool_results, result] }))
      }
    }
    case "AssistantMessageCompleted":
      return finish(state, event.message_id, (m) => ({
        ...m, status: "complete", finish_reason: event.finish_reason, usage: event.usage, ctx_used: event.ctx_used,
        ctx_max: event.ctx_max, timings: event.timings, finished_at: event.at
      }))
    case "AssistantMessageFailed":
      return finish(state, event.message_id, (m) => ({ ...m, status: "failed", error: event.error, finished_at: event.at }))
    case "AssistantMessageCancelled":
      return finish(state, event.message_id, (m) => ({ ...m, status: "cancelled", finished_at: event.at }))
    case "AssistantMessageInterrupted":
      return finish(state, event.message_id, (m) => ({
        ...m, status: "interrupted", error: { code: "interrupted", message: event.reason }, finished_at: event.at
      }))
    case "MessagesDeleted": {
      const gone = new Set<MessageId>(event.message_ids)
      const open = state.open_message_id
      return {
        ...state,
        messages: state.messages.filter((m) => !gone.has(m.id)),
        open_message_id: open !== null && gone.has(open) ? null : open
      }
    }
  }
}

/** Pure and immutable: returns a new state, never changes `state`. */
export const evolve = (state: SessionState, event: SessionEvent): SessionState => ({
  ...applyEvent(state, event),
  updated_at: event.at,
  version: state.version + 1
})

export const fold = (events: Iterable<SessionEvent>, from: SessionState = initialState): SessionState => {
  let state = from
  for (const event of events) state = evolve(state, event)
  return state
}
