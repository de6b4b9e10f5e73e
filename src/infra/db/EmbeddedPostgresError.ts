import { Schema } from "effect"

/** The embedded PostgreSQL could not be prepared, started, joined or stopped; the message says why. */
export class EmbeddedPostgresError extends Schema.TaggedError<EmbeddedPostgresError>()(
  "EmbeddedPostgresError",
  { message: Schema.String }
) {}
