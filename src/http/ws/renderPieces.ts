import type { DeltaFrame, ReasoningDeltaFrame } from "../../contract/sessionFrames.ts"
import type { DeltaPiece, EventPiece, Piece } from "../../infra/live/pieces.ts"
import type { DeltaCursor } from "./DeltaCursor.ts"
import { persistedFrame } from "./sessionFrames.ts"

/** What one socket's client has: every persisted event up to `version`, and the text the cursor says. */
export interface ClientView {
  version: number
  readonly cursor: DeltaCursor
}

interface OpenDelta {
  readonly message_id: string
  readonly kind: "text" | "reasoning"
  readonly offset: number
  content: string
  version: number | undefined
  /** Set while the frame is exactly one piece, whole: its serialised form can be shared. */
  whole: DeltaPiece | undefined
}

// Frames that come out the same for every socket are serialised once, whatever the number of sockets.
const eventJson = new WeakMap<EventPiece, string | null>()
const wholeDeltaJson = new WeakMap<DeltaPiece, string>()

/** The contract's delta frame, built by hand on the hot path (serialised once per piece, never schema-encoded). */
const deltaFrame = (d: OpenDelta): typeof DeltaFrame.Encoded | typeof ReasoningDeltaFrame.Encoded => ({
  type: d.kind === "text" ? "delta" : "reasoning_delta", ...(d.version === undefined ? {} : { version: d.version }),
  message_id: d.message_id, offset: d.offset, content: d.content
})

const deltaJson = (d: OpenDelta) => {
  const frame = () => JSON.stringify(deltaFrame(d))
  if (d.whole === undefined) return frame()
  const cached = wholeDeltaJson.get(d.whole)
  if (cached !== undefined) return cached
  const json = frame()
  wholeDeltaJson.set(d.whole, json)
  return json
}

const eventFrame = (piece: EventPiece) => {
  const cached = eventJson.get(piece)
  if (cached !== undefined) return cached
  const frame = persistedFrame(piece.event, piece.version, piece.state)
  const json = frame === undefined ? null : JSON.stringify(frame)
  eventJson.set(piece, json)
  return json
}

/**
 * Turns pieces into this client's frames: persisted events it already has are skipped, text is cut
 * to what it lacks, and consecutive text of one message goes out as one frame (exact offsets).
 * "gap" when a piece starts beyond what the client has (it must resync).
 *
 * A message the client never named starts at the first offset that reaches it: a log batch's own
 * offset (the log is gapless, so the client has everything before it), or 0 for live text of a
 * message begun after the socket joined (nothing of it was persisted before).
 */
export const renderPieces = (view: ClientView, pieces: ReadonlyArray<Piece>): Array<string> | "gap" => {
  const out: Array<string | OpenDelta> = []
  for (const piece of pieces) {
    if (piece._tag === "Event") {
      if (piece.version <= view.version) continue
      view.version = piece.version
      const event = piece.event
      if (event._tag === "AssistantMessageStarted") {
        if (!view.cursor.has(event.message_id, "text")) view.cursor.start(event.message_id, "text", 0)
        if (!view.cursor.has(event.message_id, "reasoning")) view.cursor.start(event.message_id, "reasoning", 0)
      }
      const json = eventFrame(piece)
      if (json !== null) out.push(json)
      continue
    }
    if (piece.version !== undefined) {
      if (piece.version <= view.version) continue
      view.version = piece.version
    }
    if (!view.cursor.has(piece.message_id, piece.kind))
      view.cursor.start(piece.message_id, piece.kind, piece.version === undefined ? 0 : piece.offset)
    const next = view.cursor.advance(piece)
    if (next === "gap") return "gap"
    if (next.content === "" && piece.version === undefined) continue
    const last = out[out.length - 1]
    if (
      last !== undefined && typeof last !== "string" && last.message_id === piece.message_id && last.kind === piece.kind &&
      last.offset + last.content.length === next.offset
    ) {
      if (next.content !== "") {
        last.content += next.content
        last.whole = undefined
      }
      if (piece.version !== undefined) {
        last.version = piece.version
        last.whole = undefined
      }
      continue
    }
    const whole = next.offset === piece.offset && next.content.length === piece.text.length ? piece : undefined
    out.push({ message_id: piece.message_id, kind: piece.kind, offset: next.offset, content: next.content, version: piece.version, whole })
  }
  return out.map((f) => (typeof f === "string" ? f : deltaJson(f)))
}
