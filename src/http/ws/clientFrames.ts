import { Option, Schema } from "effect"
import { type ErrorFrame, PingFrame, type PongFrame } from "../../contract/socketFrames.ts"
import { errorFrame } from "./Connection.ts"

const isPing = Schema.is(PingFrame)
const typeOf = Schema.decodeUnknownOption(Schema.Struct({ type: Schema.String }))

/** The one frame a client sends is `{"type":"ping"}`, answered `{"type":"pong"}`; any other gets an `unknown_frame` error. */
export const answerClientFrame = (frame: unknown): typeof PongFrame.Encoded | ErrorFrame => {
  if (isPing(frame)) return { type: "pong" }
  const named = Option.match(typeOf(frame), { onNone: () => "A frame without a type", onSome: ({ type }) => `Frame type ${JSON.stringify(type)}` })
  return errorFrame("unknown_frame", `${named} is not understood: this socket only accepts {"type":"ping"}`)
}
