import type { SessionEvent } from "../domain/index.ts"

/** What one event adds to a replay: text that continues the current line, or whole lines after a time stamp. */
export type ReplayPiece =
  | { readonly _tag: "Inline"; readonly text: string }
  | { readonly _tag: "Lines"; readonly lines: ReadonlyArray<string> }
  | { readonly _tag: "Nothing" }

const lines = (...l: ReadonlyArray<string>): ReplayPiece => ({ _tag: "Lines", lines: l })
const nothing: ReplayPiece = { _tag: "Nothing" }

const preview = (output: string) => {
  const all = output.split("\n")
  const first = all[0].length > 120 ? `${all[0].slice(0, 120)}…` : all[0]
  return all.length > 1 ? `${first} (${all.length} lines)` : first
}

/** An event as the replay shows it. Reasoning, settings and bookkeeping events show nothing. */
export const replayPiece = (event: SessionEvent): ReplayPiece => {
  switch (event._tag) {
    case "SessionCreated":
      return lines(`session "${event.name}" created`)
    case "SessionRenamed":
      return lines(`session renamed "${event.name}"`)
    case "MessagesCopied":
      return lines(`${event.messages.length} message(s) copied from the forked session`)
    case "UserMessagePosted":
      return lines("User:", ...event.content.split("\n"))
    case "AssistantMessageStarted":
      return lines(`Assistant${event.model === null ? "" : ` (${event.model})`}:`)
    case "AssistantMessageContinued":
      return lines("Assistant (continuing):")
    case "TextDelta":
      return { _tag: "Inline", text: event.text }
    case "ToolCallRequested":
      return lines(`→ ${event.name}(${event.args})`)
    case "ToolResultRecorded":
      return lines(`← ${event.error === undefined ? preview(event.output) : `error: ${preview(event.error)}`}`)
    case "AssistantMessageCompleted":
      return lines(`✓ complete (${event.finish_reason})`)
    case "AssistantMessageFailed":
      return lines(`✗ failed: ${event.error.message}`)
    case "AssistantMessageCancelled":
      return lines("✗ cancelled")
    case "AssistantMessageInterrupted":
      return lines(`✗ interrupted: ${event.reason}`)
    case "MessagesDeleted":
      return lines(`${event.message_ids.length} message(s) deleted`)
    case "MessagesSetAside":
      return lines("answer set aside for a regenerated one")
    case "AlternativeSelected":
      return lines(`answer ${event.index + 1} of ${event.count} selected`)
    case "SessionDeleted":
      return lines("session deleted")
    case "SessionSettingsChanged":
    case "ReasoningDelta":
    case "CancelRequested":
      return nothing
  }
}

/** "+1.5s", "+2m03.0s": time since the session began. */
export const stamp = (ms: number) => {
  const seconds = Math.max(0, ms) / 1000
  if (seconds < 60) return `[+${seconds.toFixed(1)}s]`
  const minutes = Math.floor(seconds / 60)
  return `[+${minutes}m${(seconds - minutes * 60).toFixed(1).padStart(4, "0")}s]`
}
