import type { MessageId, ProjectId, SessionId } from "../ids.ts"
import type { ForkedFrom } from "./events.ts"
import type { MessageSnapshot } from "./message.ts"

export type NameBy = "user" | "auto" | "default"

export interface SessionState {
  readonly exists: boolean
  readonly deleted: boolean
  readonly session_id: SessionId | null
  readonly project_id: ProjectId | null
  readonly name: string
  readonly name_by: NameBy
  readonly model: string | null
  readonly system_prompt: string
  readonly forked_from: ForkedFrom | null
  /** Ordered; deleted messages are removed. */
  readonly messages: ReadonlyArray<MessageSnapshot>
  /** The assistant message currently streaming, if any. */
  readonly open_message_id: MessageId | null
  readonly created_at: string | null
  readonly updated_at: string | null
  /** Number of events folded: equals the stream version. */
  readonly version: number
}

export const initialState: SessionState = {
  exists: false,
  deleted: false,
  session_id: null,
  project_id: null,
  name: "",
  name_by: "default",
  model: null,
  system_prompt: "",
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
