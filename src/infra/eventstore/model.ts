import { Schema } from "effect"

/** An event as the store keeps it; `data` is the Schema-encoded domain event. */
export const StoredEvent = Schema.Struct({
  global_position: Schema.NumberFromString,
  transaction_id: Schema.String,
  event_id: Schema.String,
  stream_id: Schema.String,
  stream_version: Schema.NumberFromString,
  type: Schema.String,
  data: Schema.Unknown,
  metadata: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  recorded_at: Schema.DateFromSelf,
  hash: Schema.String
})
export type StoredEvent = typeof StoredEvent.Type

export interface NewEvent {
  readonly type: string
  readonly data: unknown
  /** Not unique-indexed: what stops a retried batch from doubling is the expected version. */
  readonly event_id?: string
  readonly metadata?: Record<string, unknown>
}

export const AppendResult = Schema.Struct({
  from_version: Schema.Number,
  to_version: Schema.Number,
  positions: Schema.Array(Schema.Number),
  recorded_at: Schema.String,
  duplicate: Schema.Boolean
})
export type AppendResult = typeof AppendResult.Type

/** Position in the global log: events are read in (transaction id, position) order. */
export interface Checkpoint {
  readonly transaction_id: string
  readonly position: number
}
export const initialCheckpoint: Checkpoint = { transaction_id: "0", position: 0 }

export interface CommandKey {
  readonly id: string
  /** What "the same command" means: usually the request body. Compared by hash. */
  readonly payload: unknown
}
