import { Schema } from "effect"

export class ConcurrencyConflict extends Schema.TaggedError<ConcurrencyConflict>()("ConcurrencyConflict", {
  stream_id: Schema.String,
  expected: Schema.NullOr(Schema.Number),
  actual: Schema.Number,
  message: Schema.String
}) {}

export class CommandIdReused extends Schema.TaggedError<CommandIdReused>()("CommandIdReused", {
  command_id: Schema.String,
  message: Schema.String
}) {}

export class EventDecodeError extends Schema.TaggedError<EventDecodeError>()("EventDecodeError", {
  stream_id: Schema.String,
  stream_version: Schema.Number,
  type: Schema.String,
  message: Schema.String
}) {}
