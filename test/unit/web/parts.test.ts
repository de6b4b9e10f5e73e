import { describe, expect, it } from "vitest"
import type { Message } from "../../../src/http/api/schemas.ts"
import { noGeneration } from "../../../src/web/api/types.ts"
import { apply, continuable, type ConversationView, fromDetail, type MessageView, type PartView } from "../../../src/web/model/session.ts"
import { asDetail, assistantStarted, at, completed, frame, userStarted, wireDetail, wireMessage } from "./wire.ts"

const detail = (messages: ReadonlyArray<typeof Message.Encoded>, version: number) =>
  asDetail(wireDetail(messages, version, { generation: { temperature: 0.2, top_p: null, max_tokens: 64, extra: { top_k: 40 } } }))

const message = wireMessage

/** The parts as a short, comparable list: text stretches with their start, tool cards with their result. */
const shape = (m: MessageView) =>
  m.parts.map((p: PartView) =>
    p.kind === "tool" ? `tool ${p.tool.name}${p.tool.result ? ` -> ${p.tool.result.output}` : ""}` : `${p.kind}@${p.start} ${p.text}`
  )

const empty = (): ConversationView => ({ sessionId: "s", name: "n", model: "", systemPrompt: "", generation: noGeneration, version: 0, messages: [], coming: null })

describe("web: a message's parts, in the order they happened", () => {
  it("reads them from GET / the snapshot, with each text stretch's place in the whole text", () => {
    const c = fromDetail(detail([
      message("u", "user", { content: "Look", parts: [{ type: "text", text: "Look" }] }),
      message("a", "assistant", {
        content: "First.Then.",
        reasoning: "hmm",
        parts: [
          { type: "reasoning", text: "hmm" },
          { type: "text", text: "First." },
          { type: "tool_call", tool_call_id: "c1", name: "grep", args: "{}" },
          { type: "tool_result", tool_call_id: "c1", output: "hit", truncated: false, error: null },
          { type: "text", text: "Then." }
        ]
      })
    ], 7))
    expect(shape(c.messages[1])).toEqual(["reasoning@0 hmm", "text@0 First.", "tool grep -> hit", "text@6 Then."])
    expect(c.messages[1].tools.map((t) => t.id)).toEqual(["c1"])
    expect(c.generation).toEqual({ temperature: 0.2, top_p: null, max_tokens: 64, extra: { top_k: 40 } })
  })

  it("reads a message from a server without parts as reasoning, tool cards, then text", () => {
    const c = fromDetail(detail([
      message("a", "assistant", {
        content: "Done.", reasoning: "r",
        tool_calls: [{ id: "c1", name: "ls", args: "{}" }],
        tool_results: [{ tool_call_id: "c1", output: "x", truncated: false, error: null }]
      })
    ], 2))
    expect(shape(c.messages[0])).toEqual(["reasoning@0 r", "tool ls -> x", "text@0 Done."])
  })

  it("extends them from live frames in order: text, tool call, tool result, text (repeats change nothing)", () => {
    const c = fromDetail(detail([
      message("a", "assistant", { status: "streaming", content: "Let me", parts: [{ type: "text", text: "Let me" }] })
    ], 3))
    const frames = [
      { type: "delta", message_id: "a", offset: 4, content: "me look." },
      { type: "tool_call", version: 4, at, message_id: "a", tool_call_id: "c1", name: "read_file", args: "{\"path\":\"a\"}" },
      { type: "tool_result", version: 5, at, message_id: "a", tool_call_id: "c1", output: "42", truncated: false, error: null },
      { type: "delta", message_id: "a", offset: 12, content: "It is" },
      { type: "delta", message_id: "a", offset: 17, content: " 42." },
      { type: "tool_call", version: 6, at, message_id: "a", tool_call_id: "c2", name: "grep", args: "{}" },
      { type: "delta", message_id: "a", offset: 21, content: " Sure." }
    ] as const
    for (const f of frames) apply(c, frame(f))
    // A reconnect sends some of them again.
    for (const f of frames.slice(1)) apply(c, frame(f))
    const m = c.messages[0]
    expect(m.content).toBe("Let me look.It is 42. Sure.")
    expect(shape(m)).toEqual(["text@0 Let me look.", "tool read_file -> 42", "text@12 It is 42.", "tool grep", "text@21  Sure."])
    expect(m.parts.flatMap((p) => (p.kind === "text" ? [p.text] : [])).join("")).toBe(m.content)
  })

  it("a reasoning stretch after text starts a new reasoning part", () => {
    const c = empty()
    apply(c, frame(assistantStarted(1, "a")))
    apply(c, frame({ type: "reasoning_delta", message_id: "a", offset: 0, content: "think" }))
    apply(c, frame({ type: "delta", message_id: "a", offset: 0, content: "Answer" }))
    apply(c, frame({ type: "reasoning_delta", message_id: "a", offset: 5, content: " more" }))
    expect(shape(c.messages[0])).toEqual(["reasoning@0 think", "text@0 Answer", "reasoning@5  more"])
  })
})

describe("web: continue", () => {
  it("offers it on the last answer when it stopped short, and message_continued streams on in the same message", () => {
    const c = empty()
    apply(c, frame(userStarted(1, "u", "Go")))
    apply(c, frame(assistantStarted(2, "a")))
    apply(c, frame({ type: "delta", message_id: "a", offset: 0, content: "Half" }))
    const m = c.messages[1]
    expect(continuable(c, m)).toBe(false)
    apply(c, frame({ type: "message_failed", version: 3, at, message_id: "a", error: { code: "upstream", message: "boom" } }))
    expect(continuable(c, m)).toBe(true)
    expect(continuable(c, c.messages[0])).toBe(false)

    expect(apply(c, frame({ type: "message_continued", version: 4, at, message_id: "a" }))).toEqual({ kind: "message", id: "a" })
    expect(m.status).toBe("streaming")
    expect(m.error).toBeNull()
    expect(continuable(c, m)).toBe(false)
    apply(c, frame({ type: "delta", message_id: "a", offset: 4, content: " and the rest." }))
    apply(c, frame(completed(5, "a", { finish_reason: "length" })))
    expect(m.content).toBe("Half and the rest.")
    expect(shape(m)).toEqual(["text@0 Half and the rest."])
    expect(continuable(c, m)).toBe(true)
    // Seen again after a reconnect: nothing changes.
    expect(apply(c, frame({ type: "message_continued", version: 4, at, message_id: "a" })).kind).toBe("none")
    expect(m.status).toBe("complete")
  })

  it("is not offered for a complete answer that was not cut, nor a failure without text", () => {
    const c = fromDetail(detail([
      message("u", "user", { content: "q" }),
      message("a", "assistant", { content: "ok", finish_reason: "stop", parts: [{ type: "text", text: "ok" }] })
    ], 2))
    expect(continuable(c, c.messages[1])).toBe(false)
    c.messages[1].status = "failed"
    c.messages[1].content = ""
    expect(continuable(c, c.messages[1])).toBe(false)
    c.messages[1].status = "cancelled"
    expect(continuable(c, c.messages[1])).toBe(true)
  })
})
