import { describe, expect, it } from "vitest"
import { SessionFrame } from "../../../src/web/api/frames.ts"
import { decode } from "../../../src/web/lib/decode.ts"
import { apply, type ConversationView, fromMessage, resumePoint } from "../../../src/web/model/session.ts"
import { Message, noGeneration } from "../../../src/web/api/types.ts"

const frame = (u: unknown): SessionFrame => {
  const r = decode(SessionFrame, u)
  if (!r.ok) throw r.error
  return r.value
}

const message = (id: string, role: "user" | "assistant", content: string, status: string) => ({
  id, session_id: "s", role, content, reasoning: "", tool_calls: [], tool_results: [], status, error: null,
  tokens_used: null, ctx_used: null, ctx_max: null, tok_per_s: null, started_at: "2026-01-01T00:00:00Z", finished_at: null, model: null
})

const session = (name: string, version: number) => ({
  id: "s", project_id: "p", name, name_by: "user", model: "m", system_prompt: "be brief", forked_from: null,
  busy: true, open_message_id: "a2", created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z", version
})

const messageOf = (u: unknown) => {
  const r = decode(Message, u)
  if (!r.ok) throw r.error
  return r.value
}

describe("web: the snapshot frame", () => {
  it("replaces what the client held, then the tail applies on top of it", () => {
    const c: ConversationView = {
      sessionId: "s", name: "old", model: "", systemPrompt: "", generation: noGeneration, version: 3,
      messages: [fromMessage(messageOf(message("gone", "user", "stale", "complete")))], coming: null
    }
    const change = apply(c, frame({
      type: "snapshot", version: 1500,
      session: {
        session: session("Renamed", 1500), version: 1500,
        messages: [message("u1", "user", "hi", "complete"), message("a2", "assistant", "Hel", "streaming")]
      }
    }))
    expect(change).toEqual({ kind: "structure" })
    expect([c.name, c.model, c.systemPrompt, c.version]).toEqual(["Renamed", "m", "be brief", 1500])
    expect(c.messages.map((m) => [m.id, m.content, m.status])).toEqual([["u1", "hi", "complete"], ["a2", "Hel", "streaming"]])
    // Events the snapshot already holds are dropped; the tail continues the streaming text.
    expect(apply(c, frame({ type: "message_started", version: 1499, message_id: "x", role: "user", content: "old" }))).toEqual({ kind: "none" })
    apply(c, frame({ type: "delta", message_id: "a2", offset: 3, content: "lo" }))
    expect(c.messages[1].content).toBe("Hello")
    expect(resumePoint(c)).toEqual({ after: 1500, offset: 5, reasoningOffset: 0, messageId: "a2" })
  })
})
