import { Schema } from "effect"

/** The one frame a client sends on either socket; answered with `pong`. */
export const PingFrame = Schema.Struct({ type: Schema.Literal("ping") }).annotations({
  identifier: "PingFrame",
  description: "The one frame a client may send; the server answers pong. Any other frame gets an error frame."
})

export const PongFrame = Schema.Struct({ type: Schema.Literal("pong") }).annotations({
  identifier: "PongFrame",
  description: "The answer to a ping."
})

/** What a client is told about a frame the server cannot use; the socket stays open. */
export const ErrorFrame = Schema.Struct({
  type: Schema.Literal("error"),
  code: Schema.Literal("bad_frame", "unknown_frame"),
  message: Schema.String
}).annotations({
  identifier: "ErrorFrame",
  description: "The client sent a frame that is not JSON (bad_frame) or not a ping (unknown_frame); the socket stays open."
})
export type ErrorFrame = typeof ErrorFrame.Encoded
