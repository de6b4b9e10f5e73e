import { Context, type Effect } from "effect"
import type { MessageId, SessionId, TurnClaim } from "../../domain/index.ts"

/** Runs assistant turns, one per session at a time, in supervised fibers; each turn leased to this instance. */
export class TurnRunner extends Context.Tag("TurnRunner")<TurnRunner, {
  /** What a command starting a turn records as its owner: this instance and its lease length. */
  readonly claim: TurnClaim
  /** Starts streaming `messageId` (already started in the log) unless a turn runs for the session. */
  readonly start: (sessionId: SessionId, messageId: MessageId) => Effect.Effect<void>
  /**
   * Stops the session's turn: text so far kept, AssistantMessageCancelled appended. A turn running
   * on another instance is asked to stop through the log. Harmless when idle.
   */
  readonly cancel: (sessionId: SessionId) => Effect.Effect<boolean>
  readonly isRunning: (sessionId: SessionId) => Effect.Effect<boolean>
}>() {}
