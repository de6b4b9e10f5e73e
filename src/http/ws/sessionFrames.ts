import type { PersistedFrame } from "../../contract/sessionFrames.ts"
import type { SessionEvent, SessionState } from "../../domain/index.ts"
import { messagesView, messageView } from "../handlers/views.ts"

/**
 * A frame for a persisted event (deltas are handled by the cursor); every one carries its version.
 * `state`: for an AlternativeSelected, the session at its version, for the messages it shows (the
 * client has not got them). Typed as the contract's Encoded frame: built once per event, never re-encoded.
 */
export const persistedFrame = (
  event: SessionEvent,
  version: number,
  state?: SessionState
): PersistedFrame | undefined => {
  const base = { version, at: event.at }
  switch (event._tag) {
    case "SessionCreated":
      return { type: "session_updated", ...base, name: event.name, model: event.model, system_prompt: event.system_prompt }
    case "MessagesCopied":
      return { type: "messages_copied", ...base, messages: event.messages.map((m) => messageView(event.session_id, m)) }
    case "SessionRenamed":
      return { type: "session_renamed", ...base, name: event.name, by: event.by }
    case "SessionSettingsChanged":
      return { type: "session_updated", ...base, model: event.model, system_prompt: event.system_prompt, generation: event.generation }
    case "SessionDeleted":
      return { type: "session_deleted", ...base }
    case "UserMessagePosted":
      return { type: "message_started", ...base, message_id: event.message_id, role: "user", content: event.content }
    case "AssistantMessageStarted":
      return { type: "message_started", ...base, message_id: event.message_id, role: "assistant", model: event.model }
    case "AssistantMessageContinued":
      return { type: "message_continued", ...base, message_id: event.message_id }
    case "ToolCallRequested":
      return { type: "tool_call", ...base, message_id: event.message_id, tool_call_id: event.tool_call_id, name: event.name, args: event.args }
    case "ToolResultRecorded":
      return {
        type: "tool_result", ...base, message_id: event.message_id, tool_call_id: event.tool_call_id,
        output: event.output, truncated: event.truncated, error: event.error ?? null
      }
    case "AssistantMessageCompleted":
      return {
        type: "message_complete", ...base, message_id: event.message_id, finish_reason: event.finish_reason,
        usage: event.usage, ctx: { used: event.ctx_used, max: event.ctx_max }, timings: event.timings
      }
    case "AssistantMessageFailed":
      return { type: "message_failed", ...base, message_id: event.message_id, error: event.error }
    case "AssistantMessageCancelled":
      return { type: "message_cancelled", ...base, message_id: event.message_id }
    case "AssistantMessageInterrupted":
      return { type: "message_interrupted", ...base, message_id: event.message_id, reason: event.reason }
    case "MessagesDeleted":
      return { type: "messages_deleted", ...base, message_ids: event.message_ids }
    case "MessagesSetAside":
      return {
        type: "messages_set_aside", ...base, after: event.after, message_ids: event.message_ids,
        alternatives: { index: event.count - 1, count: event.count }
      }
    case "AlternativeSelected":
      return {
        type: "alternative_selected", ...base, after: event.after, alternatives: { index: event.index, count: event.count },
        messages: state === undefined ? [] : messagesView(event.session_id, state).slice(state.messages.findIndex((m) => m.id === event.after) + 1)
      }
    case "TextDelta":
    case "ReasoningDelta":
      return undefined
  }
}
