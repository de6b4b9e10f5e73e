import type { MessageId, SessionId } from "../ids.ts"
import type { TurnClaim } from "./commands.ts"
import { AssistantMessageStarted } from "./events.ts"
import type { SessionState } from "./state.ts"

/**
 * The start of an assistant message, owned by the claiming instance. Its epoch is the stream
 * version the start event gets (`index` is its place among the events decided with it), so each
 * turn of a session has a larger epoch than the one before.
 */
/** The owner a claim becomes in the event at `index` of those decided on `state`. */
export const ownerOf = (state: SessionState, index: number, claim: TurnClaim | undefined) =>
  claim === undefined ? {} : { owner: { instance_id: claim.instance_id, epoch: state.version + index + 1, lease_ms: claim.lease_ms } }

export const startTurn = (
  state: SessionState,
  index: number,
  fields: { readonly session_id: SessionId; readonly message_id: MessageId; readonly model: string | null; readonly owner?: TurnClaim; readonly at: string }
) => {
  const { owner, ...rest } = fields
  return AssistantMessageStarted.make({ ...rest, ...ownerOf(state, index, owner) })
}
