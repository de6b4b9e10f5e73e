import { Schema } from "effect"

/** The LLM server did not accept a connection (refused, unknown host, network down). */
export class LlmUnreachable extends Schema.TaggedError<LlmUnreachable>()("LlmUnreachable", {
  url: Schema.String,
  message: Schema.String
}) {}

/** The LLM server answered with a non-success status that has no more specific meaning. */
export class LlmHttpError extends Schema.TaggedError<LlmHttpError>()("LlmHttpError", {
  status: Schema.Number,
  message: Schema.String
}) {}

/** The prompt no longer fits the model's context window. */
export class LlmContextOverflow extends Schema.TaggedError<LlmContextOverflow>()("LlmContextOverflow", {
  message: Schema.String
}) {}

/** The server kept answering "Loading model" after every retry. */
export class LlmModelLoading extends Schema.TaggedError<LlmModelLoading>()("LlmModelLoading", {
  message: Schema.String
}) {}

/** A time limit ran out: connecting, waiting for the first data event, or waiting between data events. */
export class LlmTimeout extends Schema.TaggedError<LlmTimeout>()("LlmTimeout", {
  phase: Schema.Literal("connect", "first_byte", "idle"),
  seconds: Schema.Number,
  message: Schema.String
}) {}

/** The stream broke: an error object inside it or as a 200 body, a reset, an early end. */
export class LlmStreamError extends Schema.TaggedError<LlmStreamError>()("LlmStreamError", {
  message: Schema.String
}) {}

export type LlmError =
  | LlmUnreachable
  | LlmHttpError
  | LlmContextOverflow
  | LlmModelLoading
  | LlmTimeout
  | LlmStreamError

export const LlmError = Schema.Union(
  LlmUnreachable,
  LlmHttpError,
  LlmContextOverflow,
  LlmModelLoading,
  LlmTimeout,
  LlmStreamError
)
