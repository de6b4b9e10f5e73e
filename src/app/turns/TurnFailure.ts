import { Schema } from "effect"

/** A turn that cannot go on, for a reason the user should read. */
export class TurnFailure extends Schema.TaggedError<TurnFailure>()("TurnFailure", {
  code: Schema.String,
  message: Schema.String
}) {}
