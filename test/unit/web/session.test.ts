import { describe, expect, it } from "vitest"
import { noGeneration } from "../../../src/web/api/types.ts"
import { apply, type ConversationView, placeText, resumePoint } from "../../../src/web/model/session.ts"
import { assistantStarted, at, completed, frame, userStarted } from "./wire.ts"

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
    apply(c, frame(assistantStarted(1, "m")))
    // Replays: every reconnect resends from a point at or before what we have.
    for (let round = 0; round < 3; round++) {
      for (const [i, p] of pieces.entries()) {
        if (i % (round + 2) === 0) apply(c, frame({ type: "delta", message_id: "m", ...p }))
        apply(c, frame({ type: "delta", message_id: "m", ...p }))
      }
    }
    expect(c.messages[0].content).toBe(text)
    expect(resumePoint(c)).toEqual({ after: 1, offset: text.length, reasoningOffset: 0, messageId: "m" })
    apply(c, frame(completed(2, "m", { usage: { prompt_tokens: 3, completion_tokens: 9, total_tokens: 12 } })))
    expect(c.messages[0].status).toBe("complete")
    expect(apply(c, frame({ type: "message_cancelled", version: 2, at, message_id: "m" })).kind).toBe("none")
  })

  it("applies deletions and renames once", () => {
    const c = empty()
    apply(c, frame(userStarted(1, "u", "hi")))
    apply(c, frame(assistantStarted(2, "a")))
    apply(c, frame({ type: "messages_deleted", version: 3, at, message_ids: ["a"] }))
    apply(c, frame({ type: "session_renamed", version: 4, at, name: "Named", by: "user" }))
    expect(c.messages.map((m) => m.id)).toEqual(["u"])
    expect(c.name).toBe("Named")
    expect(c.version).toBe(4)
  })
})
