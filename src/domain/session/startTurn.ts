import type { MessageId, SessionId } from "../ids.ts"
import type { TurnClaim } from "./commands.ts"
import { AssistantMessageStarted } from "./events.ts"
import type { SessionState } from "./state.ts"

/**
 * The start of an assistant message, owned by the claiming instance. Its epoch is the stream
 * version the start event gets (`index` is its place among the events decided with it), so each
 * turn of a session has a larger epoch than the one before.
 */
export const startTurn = (
  state: SessionState,
  index: number,
  fields: { readonly session_id: SessionId; readonly message_id: MessageId; readonly model: string | null; readonly owner?: TurnClaim; readonly at: string }
) => {
  const { owner, ...rest } = fields
  return AssistantMessageStarted.make(
    owner === undefined ? rest : { ...rest, owner: { instance_id: owner.instance_id, epoch: state.version + index + 1, lease_ms: owner.lease_ms } }
  )
}
