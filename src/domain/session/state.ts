import { Schema } from "effect"
import { MessageId, ProjectId, SessionId } from "../ids.ts"
import { ForkedFrom } from "./events.ts"
import { defaultGeneration, GenerationSettings, MessageSnapshot } from "./message.ts"

/**
 * The answers kept for one message when what followed it was regenerated: every tail (the
 * messages after `after`, from an answer to the end) in the order they were made. The tail shown
 * is `tails[active]`, whose slot is empty: its messages are the end of `messages`.
 */
export const Alternatives = Schema.Struct({
  after: MessageId,
  active: Schema.Number,
  tails: Schema.Array(Schema.Array(MessageSnapshot))
})
export type Alternatives = typeof Alternatives.Type

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
  /** The branch shown, in order; deleted messages are removed. */
  messages: Schema.Array(MessageSnapshot),
  /** Regenerated answers kept aside, one entry per message they follow. */
  alternatives: Schema.Array(Alternatives),
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
  alternatives: [],
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

/** Which of its alternatives the message at `index` of the shown branch is, when it has any. */
export const alternativesAt = (state: SessionState, index: number): { readonly index: number; readonly count: number } | null => {
  const before = index > 0 ? state.messages[index - 1] : undefined
  const kept = before === undefined ? undefined : state.alternatives.find((a) => a.after === before.id)
  return kept === undefined ? null : { index: kept.active, count: kept.tails.length }
}

/** Every message id the session holds, shown or kept aside. */
export const allMessageIds = (state: SessionState): Set<MessageId> => {
  const ids = new Set<MessageId>(state.messages.map((m) => m.id))
  for (const a of state.alternatives) for (const tail of a.tails) for (const m of tail) ids.add(m.id)
  return ids
}
