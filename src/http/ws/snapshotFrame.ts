import type { SnapshotFrame } from "../../contract/sessionFrames.ts"
import type { SessionState } from "../../domain/index.ts"
import type { InFlight } from "../../infra/live/LiveHub.ts"
import { messagesView, sessionView } from "../handlers/views.ts"

/**
 * The session as of `version`, in the shape of GET /api/sessions/{id}; the streaming message's
 * text includes what the hub had when the socket joined. Its messages say how much text the
 * client now has of each.
 */
export const snapshotFrame = (sessionId: string, state: SessionState, version: number, live: InFlight | null) => {
  const messages = messagesView(sessionId, state, live ?? undefined)
  const frame: typeof SnapshotFrame.Encoded = { type: "snapshot", version, session: { session: sessionView(state, version), messages, version } }
  return { frame, messages }
}
