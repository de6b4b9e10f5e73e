import { Context, type Effect } from "effect"
import type { MessageId, SessionId } from "../../domain/index.ts"

/** Runs assistant turns, one per session at a time, in supervised fibers. */
export class TurnRunner extends Context.Tag("TurnRunner")<TurnRunner, {
  /** Starts streaming `messageId` (already started in the log) unless a turn runs for the session. */
  readonly start: (sessionId: SessionId, messageId: MessageId) => Effect.Effect<void>
  /** Interrupts the session's turn: text so far kept, AssistantMessageCancelled appended. Harmless when idle. */
  readonly cancel: (sessionId: SessionId) => Effect.Effect<boolean>
  readonly isRunning: (sessionId: SessionId) => Effect.Effect<boolean>
}>() {}
