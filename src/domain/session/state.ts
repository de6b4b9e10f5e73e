import { Schema } from "effect"
import { MessageId, ProjectId, SessionId } from "../ids.ts"
import { ForkedFrom } from "./events.ts"
import { defaultGeneration, GenerationSettings, MessageSnapshot } from "./message.ts"

export const NameBy = Schema.Literal("user", "auto", "default")
export type NameBy = typeof NameBy.Type

/** The state of one session, as rebuilt by folding its events (also served by "state at version"). */
export const SessionState = Schema.Struct({
  exists: Schema.Boolean,
  deleted: Schema.Boolean,
  session_id: Schema.NullOr(SessionId),
  project_id: Schema.NullOr(ProjectId),
  name: Schema.String,
  name_by: NameBy,
  model: Schema.NullOr(Schema.String),
  system_prompt: Schema.String,
  generation: GenerationSettings,
  forked_from: Schema.NullOr(ForkedFrom),
  /** Ordered; deleted messages are removed. */
  messages: Schema.Array(MessageSnapshot),
  /** The assistant message currently streaming, if any. */
  open_message_id: Schema.NullOr(MessageId),
  created_at: Schema.NullOr(Schema.String),
  updated_at: Schema.NullOr(Schema.String),
  /** Number of events folded: equals the stream version. */
  version: Schema.Number
})
export type SessionState = typeof SessionState.Type

export const initialState: SessionState = {
  exists: false,
  deleted: false,
  session_id: null,
  project_id: null,
  name: "",
  name_by: "default",
  model: null,
  system_prompt: "",
  generation: defaultGeneration,
  forked_from: null,
  messages: [],
  open_message_id: null,
  created_at: null,
  updated_at: null,
  version: 0
}

export const findMessage = (state: SessionState, id: MessageId): MessageSnapshot | undefined =>
  state.messages.find((m) => m.id === id)

export const openMessage = (state: SessionState): MessageSnapshot | undefined =>
  state.open_message_id === null ? undefined : findMessage(state, state.open_message_id)

/** Ids of `id` and every message after it, or undefined when `id` is not in the session. */
export const messageIdsFrom = (state: SessionState, id: MessageId): ReadonlyArray<MessageId> | undefined => {
  const index = state.messages.findIndex((m) => m.id === id)
  return index < 0 ? undefined : state.messages.slice(index).map((m) => m.id)
}
