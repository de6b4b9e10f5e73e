import type { SessionEvent, SessionState } from "../../domain/index.ts"

/**
 * A piece of streamed text: from the live hub (no version: not yet persisted) or a delta batch
 * from the log (with its version). Offsets count UTF-16 code units.
 */
export interface DeltaPiece {
  readonly _tag: "Delta"
  readonly message_id: string
  readonly kind: "text" | "reasoning"
  readonly offset: number
  readonly text: string
  readonly version: number | undefined
}

/** Any other persisted event of the session, with its version. */
export interface EventPiece {
  readonly _tag: "Event"
  readonly version: number
  readonly event: SessionEvent
  /** For an AlternativeSelected, the session at its version: the messages it shows (see eventPiece.ts). */
  readonly state?: SessionState
}

/** What a session reader hands each of its sockets, in the order it learnt it. */
export type Piece = DeltaPiece | EventPiece

/** Where a reader puts pieces for one socket; must not block (the socket's writer drains it). */
export interface Outbox {
  readonly push: (piece: Piece) => void
}
