import type { SqlClient } from "@effect/sql"
import type { Effect, Either, Schema } from "effect"

/** What the generic repository needs to know about one kind of aggregate. */
export interface AggregateSpec<Id extends string, State, Event extends { readonly _tag: string }, Encoded, Command, Error> {
  readonly streamType: string
  readonly streamId: (id: Id) => string
  readonly schema: Schema.Schema<Event, Encoded>
  readonly initialState: State
  readonly evolve: (state: State, event: Event) => State
  readonly decide: (command: Command, state: State) => Either.Either<ReadonlyArray<Event>, Error>
  /** Applies one event to the read models, inside the append's transaction. */
  readonly project: (sql: SqlClient.SqlClient, streamId: string, event: Event, version: number) => Effect.Effect<unknown, unknown>
  /** Events that change no read-model row (delta batches): an append of only these skips the projection. */
  readonly leavesReadModels?: (event: Event) => boolean
  /** Deterministic ids (delta batches): a retried batch keeps its id; its expected version keeps it from doubling. */
  readonly eventId?: (event: Event) => string | undefined
}
