import { describe, expect, it } from "vitest"
import type { MessageStatus } from "../../../src/web/api/types.ts"
import { noGeneration } from "../../../src/web/api/types.ts"
import { apply, type ConversationView, fromMessage, resumePoint } from "../../../src/web/model/session.ts"
import { asMessage, frame, userStarted, wireMessage, wireSession } from "./wire.ts"

const message = (id: string, role: "user" | "assistant", content: string, status: MessageStatus) => wireMessage(id, role, { content, status })

const session = (name: string, version: number) =>
  wireSession({ name, model: "m", system_prompt: "be brief", busy: true, open_message_id: "a2", version })

describe("web: the snapshot frame", () => {
  it("replaces what the client held, then the tail applies on top of it", () => {
    const c: ConversationView = {
      sessionId: "s", name: "old", model: "", systemPrompt: "", generation: noGeneration, version: 3,
      messages: [fromMessage(asMessage(message("gone", "user", "stale", "complete")))], coming: null
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
    expect(apply(c, frame(userStarted(1499, "x", "old")))).toEqual({ kind: "none" })
    apply(c, frame({ type: "delta", message_id: "a2", offset: 3, content: "lo" }))
    expect(c.messages[1].content).toBe("Hello")
    expect(resumePoint(c)).toEqual({ after: 1500, offset: 5, reasoningOffset: 0, messageId: "a2" })
  })
})
