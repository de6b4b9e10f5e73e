import { Either, Schema } from "effect"

/**
 * What travels on the live channel between instances (one NOTIFY payload, under 8,000 bytes):
 * pieces of in-flight text [session, message, "t"|"r", offset, text, after?] (`after`: the log
 * version the turn had reached, see LiveDelta; instances before it sent five elements), turns that
 * ended [session, message], or a hello from an instance that wants every turn's text from the start.
 */
export const LiveWire = Schema.Struct({
  v: Schema.Literal(1),
  from: Schema.String,
  hello: Schema.optional(Schema.Boolean),
  pieces: Schema.optional(Schema.Array(Schema.Tuple(
    Schema.String, Schema.String, Schema.Literal("t", "r"), Schema.Number, Schema.String, Schema.optionalElement(Schema.Number)
  ))),
  ended: Schema.optional(Schema.Array(Schema.Tuple(Schema.String, Schema.String)))
})
export type LiveWire = typeof LiveWire.Type
export type WirePiece = NonNullable<LiveWire["pieces"]>[number]

const decode = Schema.decodeUnknownEither(Schema.parseJson(LiveWire))
export const parseWire = (payload: string): LiveWire | undefined => Either.getOrUndefined(decode(payload))

/** NOTIFY refuses payloads of 8,000 bytes or more; this leaves room for the envelope's growth. */
const PAYLOAD_BUDGET = 7_600
/** Longest text in one piece: even at 6 bytes per code unit (escaped control characters) it fits a payload. */
const PIECE_UNITS = 1_000

/** Cuts pieces so none is longer than a payload can hold; offsets stay exact. */
const cut = (pieces: ReadonlyArray<WirePiece>): Array<WirePiece> => {
  const out: Array<WirePiece> = []
  for (const [s, m, k, o, x, after] of pieces) {
    const tail = after === undefined ? [] as const : [after] as const
    if (x.length <= PIECE_UNITS) out.push([s, m, k, o, x, ...tail])
    else for (let i = 0; i < x.length; i += PIECE_UNITS) out.push([s, m, k, o + i, x.slice(i, i + PIECE_UNITS), ...tail])
  }
  return out
}

/** Packs pieces and ends into as few payloads as fit, in order (pieces of one message stay in order). */
export const packWire = (from: string, pieces: ReadonlyArray<WirePiece>, ended: ReadonlyArray<readonly [string, string]>): Array<string> => {
  const envelope = Buffer.byteLength(JSON.stringify({ v: 1, from, pieces: [], ended: [] }))
  const payloads: Array<string> = []
  let batch = { pieces: [] as Array<string>, ended: [] as Array<string>, bytes: envelope }
  const flush = () => {
    if (batch.pieces.length === 0 && batch.ended.length === 0) return
    const parts = [`"v":1`, `"from":${JSON.stringify(from)}`]
    if (batch.pieces.length > 0) parts.push(`"pieces":[${batch.pieces.join(",")}]`)
    if (batch.ended.length > 0) parts.push(`"ended":[${batch.ended.join(",")}]`)
    payloads.push(`{${parts.join(",")}}`)
    batch = { pieces: [], ended: [], bytes: envelope }
  }
  const add = (list: "pieces" | "ended", json: string) => {
    const bytes = Buffer.byteLength(json) + 1
    if (batch.bytes + bytes >= PAYLOAD_BUDGET) flush()
    batch[list].push(json)
    batch.bytes += bytes
  }
  for (const piece of cut(pieces)) add("pieces", JSON.stringify(piece))
  for (const end of ended) add("ended", JSON.stringify(end))
  flush()
  return payloads
}

export const helloWire = (from: string) => JSON.stringify({ v: 1, from, hello: true })
