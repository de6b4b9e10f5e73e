import { Effect, Option } from "effect"
import type { LifecycleFrame } from "../../contract/userFrames.ts"
import type { DomainEvent } from "../../domain/index.ts"
import type { ReadModels } from "../queries/ReadModels.ts"

const frames = (...out: ReadonlyArray<LifecycleFrame>): ReadonlyArray<LifecycleFrame> => out

/** Event types the per-user channel turns into frames; the rest (deltas, tool calls...) are skipped undecoded. */
export const lifecycleTypes = new Set([
  "ProjectAdded", "ProjectRenamed", "ProjectRemoved", "SessionCreated", "SessionRenamed", "SessionSettingsChanged",
  "SessionDeleted", "AssistantMessageStarted", "AssistantMessageContinued", "AssistantMessageCompleted", "AssistantMessageFailed",
  "AssistantMessageCancelled", "AssistantMessageInterrupted"
])

/** Lifecycle frames for one event; a session's summary comes from its read-model row, busy from the event. */
export const lifecycleFrames = (read: typeof ReadModels.Service, event: DomainEvent) =>
  Effect.gen(function* () {
    switch (event._tag) {
      case "ProjectAdded":
        return frames({ type: "project_added", project_id: event.project_id, name: event.name, path: event.path })
      case "ProjectRenamed":
        return frames({ type: "project_renamed", project_id: event.project_id, name: event.name })
      case "ProjectRemoved":
        return frames({ type: "project_removed", project_id: event.project_id })
      case "TextDelta": case "ReasoningDelta": case "ToolCallRequested": case "ToolResultRecorded":
      case "UserMessagePosted": case "MessagesDeleted": case "MessagesCopied": case "MessagesSetAside": case "AlternativeSelected":
        return frames()
      default:
        break
    }
    const row = Option.getOrUndefined(yield* read.sessionById(event.session_id))
    if (row === undefined) return frames()
    const busy =
      event._tag === "AssistantMessageStarted" || event._tag === "AssistantMessageContinued" ? true :
      event._tag.startsWith("AssistantMessage") ? false : row.busy
    const updated: LifecycleFrame = {
      type: "session_updated", session_id: row.id, project_id: row.project_id, name: row.name,
      updated_at: row.updated_at, busy
    }
    switch (event._tag) {
      case "SessionCreated":
        return frames({ type: "session_created", session: { ...row, busy } })
      case "SessionRenamed":
        return frames({ type: "session_renamed", session_id: row.id, project_id: row.project_id, name: event.name, by: event.by }, updated)
      case "SessionDeleted":
        return frames({ type: "session_deleted", session_id: row.id, project_id: row.project_id })
      default:
        return frames(updated)
    }
  })
