export type DeltaKind = "text" | "reasoning"

export interface DeltaPiece {
  readonly message_id: string
  readonly kind: DeltaKind
  /** UTF-16 code units into the message's text (or reasoning). */
  readonly offset: number
  readonly text: string
}

/**
 * What one socket's client already has of each message's text and reasoning. A piece is cut to
 * what is new; a piece that starts beyond what the client has is a gap (never sent).
 */
export const makeDeltaCursor = () => {
  const have = new Map<string, number>()
  const key = (messageId: string, kind: DeltaKind) => `${kind}:${messageId}`

  const start = (messageId: string, kind: DeltaKind, offset: number) => {
    have.set(key(messageId, kind), offset)
  }

  /** The new part of `piece` (offset = where it starts for the client), or "gap". */
  const advance = (piece: DeltaPiece): { readonly offset: number; readonly content: string } | "gap" => {
    const k = key(piece.message_id, piece.kind)
    const current = have.get(k) ?? 0
    if (piece.offset > current) return "gap"
    const end = piece.offset + piece.text.length
    if (end <= current) return { offset: current, content: "" }
    have.set(k, end)
    return { offset: current, content: piece.text.slice(current - piece.offset) }
  }

  const has = (messageId: string, kind: DeltaKind) => have.has(key(messageId, kind))

  return { start, has, advance }
}
export type DeltaCursor = ReturnType<typeof makeDeltaCursor>
