import { describe, expect, it } from "vitest"
import { SessionFrame } from "../../../src/web/api/frames.ts"
import { noGeneration } from "../../../src/web/api/types.ts"
import { decode } from "../../../src/web/lib/decode.ts"
import { apply, type ConversationView, placeText, resumePoint } from "../../../src/web/model/session.ts"

const frame = (u: unknown): SessionFrame => {
  const r = decode(SessionFrame, u)
  if (!r.ok) throw r.error
  return r.value
}

const empty = (): ConversationView => ({
  sessionId: "s", name: "n", model: "", systemPrompt: "", generation: noGeneration, version: 0, messages: [], coming: null
})

describe("web: placing streamed text", () => {
  it("appends, drops duplicates and overlaps, and reports gaps", () => {
    expect(placeText("", 0, "Hel")).toBe("Hel")
    expect(placeText("Hel", 0, "Hel")).toBe("Hel")
    expect(placeText("Hel", 1, "ello")).toBe("Hello")
    expect(placeText("Hello", 3, "lo")).toBe("Hello")
    expect(placeText("Hel", 5, "x")).toBeNull()
  })

  it("ends with the exact text whatever frames repeat after reconnects (UTF-16 offsets)", () => {
    const text = "Grüße 👻 from the fake LLM — ünïcödé 𝔘𝔫𝔦"
    const pieces: Array<{ offset: number; content: string }> = []
    for (let i = 0; i < text.length; ) {
      const n = 1 + ((i * 7) % 5)
      pieces.push({ offset: i, content: text.slice(i, i + n) })
      i += n
    }
    const c = empty()
    apply(c, frame({ type: "message_started", version: 1, message_id: "m", role: "assistant" }))
    // Replays: every reconnect resends from a point at or before what we have.
    for (let round = 0; round < 3; round++) {
      for (const [i, p] of pieces.entries()) {
        if (i % (round + 2) === 0) apply(c, frame({ type: "delta", message_id: "m", ...p }))
        apply(c, frame({ type: "delta", message_id: "m", ...p }))
      }
    }
    expect(c.messages[0].content).toBe(text)
    expect(resumePoint(c)).toEqual({ after: 1, offset: text.length, reasoningOffset: 0, messageId: "m" })
    apply(c, frame({ type: "message_complete", version: 2, message_id: "m", usage: { prompt_tokens: 3, completion_tokens: 9 } }))
    expect(c.messages[0].status).toBe("complete")
    expect(apply(c, frame({ type: "message_cancelled", version: 2, message_id: "m" })).kind).toBe("none")
  })

  it("applies deletions and renames once", () => {
    const c = empty()
    apply(c, frame({ type: "message_started", version: 1, message_id: "u", role: "user", content: "hi" }))
    apply(c, frame({ type: "message_started", version: 2, message_id: "a" }))
    apply(c, frame({ type: "messages_deleted", version: 3, message_ids: ["a"] }))
    apply(c, frame({ type: "session_renamed", version: 4, name: "Named" }))
    expect(c.messages.map((m) => m.id)).toEqual(["u"])
    expect(c.name).toBe("Named")
    expect(c.version).toBe(4)
  })
})
