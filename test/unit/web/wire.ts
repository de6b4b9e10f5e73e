import type { SessionFrame, SessionFrameEncoded } from "../../../src/contract/sessionFrames.ts"
import {
  type Message, Message as MessageSchema, type Session, type SessionDetail, SessionDetail as SessionDetailSchema
} from "../../../src/http/api/schemas.ts"
import { SessionFrame as SessionFrameSchema } from "../../../src/web/api/frames.ts"
import { decoderOf } from "../../../src/web/api/decodeWith.ts"

/** Frames and bodies as the server sends them (complete: the browser's decoders accept nothing less). */
export const at = "2026-01-01T00:00:00.000Z"

const decodeFrame = decoderOf(SessionFrameSchema)

/** Decodes a wire frame with the browser's decoder, as the socket does; throws with the reason otherwise. */
export const frame = (u: SessionFrameEncoded): SessionFrame => {
  const r = decodeFrame(u)
  if (!r.ok) throw new Error(r.error)
  return r.value
}

export const userStarted = (version: number, message_id: string, content: string): SessionFrameEncoded =>
  ({ type: "message_started", version, at, message_id, role: "user", content })

export const assistantStarted = (version: number, message_id: string): SessionFrameEncoded =>
  ({ type: "message_started", version, at, message_id, role: "assistant", model: null })

export const completed = (
  version: number, message_id: string, fields: Partial<Extract<SessionFrameEncoded, { type: "message_complete" }>> = {}
): SessionFrameEncoded =>
  ({ type: "message_complete", version, at, message_id, finish_reason: "stop", usage: null, ctx: { used: null, max: null }, timings: null, ...fields })

export const wireMessage = (id: string, role: "user" | "assistant", fields: Partial<typeof Message.Encoded> = {}): typeof Message.Encoded => ({
  id, session_id: "s", role, content: "", reasoning: "", tool_calls: [], tool_results: [], status: "complete", finish_reason: null,
  error: null, tokens_used: null, ctx_used: null, ctx_max: null, tok_per_s: null, started_at: at, finished_at: null, model: null,
  parts: [], alternatives: null, ...fields
})

export const wireSession = (fields: Partial<typeof Session.Encoded> = {}): typeof Session.Encoded => ({
  id: "s", project_id: "p", name: "n", name_by: "user", model: null, system_prompt: "",
  generation: { temperature: null, top_p: null, max_tokens: null, extra: null }, forked_from: null, busy: false,
  open_message_id: null, created_at: at, updated_at: at, version: 1, ...fields
})

export const wireDetail = (messages: ReadonlyArray<typeof Message.Encoded>, version: number, session: Partial<typeof Session.Encoded> = {}): typeof SessionDetail.Encoded =>
  ({ session: wireSession({ version, ...session }), messages, version })

const decodeMessage = decoderOf(MessageSchema)
const decodeDetail = decoderOf(SessionDetailSchema)

/** A message as the browser holds it after decoding GET /api/sessions/{id}. */
export const asMessage = (u: typeof Message.Encoded): Message => {
  const r = decodeMessage(u)
  if (!r.ok) throw new Error(r.error)
  return r.value
}

export const asDetail = (u: typeof SessionDetail.Encoded): SessionDetail => {
  const r = decodeDetail(u)
  if (!r.ok) throw new Error(r.error)
  return r.value
}
