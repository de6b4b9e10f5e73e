import { decoderOf } from "../../../src/web/api/decodeWith.ts"
import { SessionFrame } from "../../../src/web/api/frames.ts"
import { noGeneration } from "../../../src/web/api/types.ts"
import { apply, type ConversationView, resumePoint } from "../../../src/web/model/session.ts"
import { open, type Opened } from "./wsClient.ts"

const decodeFrame = decoderOf(SessionFrame)

/**
 * A client that keeps the conversation exactly as the browser does (its frame decoder, `apply`
 * and `resumePoint`), reconnecting from its resume point. `gaps` counts deltas it could not place,
 * `undecodable` the frames its decoder refused (each also thrown, failing the test).
 */

export const makeModelClient = (wsUrl: string, sessionId: string) => {
  const conversation: ConversationView = { sessionId, name: "", model: "", systemPrompt: "", generation: noGeneration, version: 0, messages: [], coming: null }
  const state = { gaps: 0, snapshots: 0, frames: 0, undecodable: [] as Array<string> }
  const feed = (raw: unknown) => {
    state.frames++
    const frame = decodeFrame(raw)
    if (!frame.ok) {
      state.undecodable.push(`${JSON.stringify(raw).slice(0, 200)}: ${frame.error}`)
      throw new Error(`a frame the browser cannot decode: ${frame.error}`)
    }
    if (frame.value.type === "snapshot") state.snapshots++
    if (apply(conversation, frame.value).kind === "gap") state.gaps++
  }
  const url = () => {
    const at = resumePoint(conversation)
    const q = new URLSearchParams({ after: String(at.after), offset: String(at.offset), reasoning_offset: String(at.reasoningOffset) })
    if (at.messageId !== undefined) q.set("message_id", at.messageId)
    return `${wsUrl}/api/ws/sessions/${sessionId}?${q.toString()}`
  }
  const connect = async (): Promise<Opened> => {
    const socket = await open(url())
    for (const f of socket.frames) feed(f)
    socket.ws.on("message", (data) => feed(JSON.parse(data.toString())))
    return socket
  }
  return { conversation, state, connect }
}
