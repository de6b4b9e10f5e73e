import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { PersistedFrame } from "../../../src/contract/sessionFrames.ts"
import { UserFrame } from "../../../src/contract/userFrames.ts"
import { SessionEvent } from "../../../src/domain/index.ts"
import { fold } from "../../../src/domain/session/evolve.ts"
import { makeDeltaCursor } from "../../../src/http/ws/DeltaCursor.ts"
import { renderPieces } from "../../../src/http/ws/renderPieces.ts"
import { persistedFrame } from "../../../src/http/ws/sessionFrames.ts"
import { snapshotFrame } from "../../../src/http/ws/snapshotFrame.ts"
import { decoderOf } from "../../../src/web/api/decodeWith.ts"
import { SessionFrame } from "../../../src/web/api/frames.ts"

const decodeSession = decoderOf(SessionFrame)
const decodeUser = decoderOf(UserFrame)
const at = "2026-01-01T00:00:00.000Z"
const sid = "00000000-0000-4000-8000-000000000001"
const pid = "00000000-0000-4000-8000-000000000002"
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`
const usage = { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 }

/** One session's log touching every event type that has a frame, as the store would decode it. */
const log = Schema.decodeUnknownSync(Schema.Array(SessionEvent))([
  { _tag: "SessionCreated", session_id: sid, project_id: pid, name: "s", model: null, system_prompt: "", at },
  { _tag: "SessionRenamed", session_id: sid, name: "Named", by: "auto", at },
  { _tag: "SessionSettingsChanged", session_id: sid, model: "m", generation: { temperature: 0.5, top_p: null, max_tokens: 9, extra: null }, at },
  { _tag: "UserMessagePosted", session_id: sid, message_id: id(10), content: "Why?", at },
  { _tag: "AssistantMessageStarted", session_id: sid, message_id: id(11), model: "m", at },
  { _tag: "TextDelta", session_id: sid, message_id: id(11), offset: 0, text: "Half", at },
  { _tag: "ToolCallRequested", session_id: sid, message_id: id(11), tool_call_id: "c1", name: "grep", args: "{}", at },
  { _tag: "ToolResultRecorded", session_id: sid, message_id: id(11), tool_call_id: "c1", output: "x", truncated: false, at },
  { _tag: "AssistantMessageInterrupted", session_id: sid, message_id: id(11), reason: "server stopped", at },
  { _tag: "AssistantMessageContinued", session_id: sid, message_id: id(11), at },
  { _tag: "AssistantMessageFailed", session_id: sid, message_id: id(11), error: { code: "upstream", message: "boom" }, at },
  { _tag: "MessagesSetAside", session_id: sid, after: id(10), message_ids: [id(11)], count: 2, at },
  { _tag: "AssistantMessageStarted", session_id: sid, message_id: id(12), model: null, at },
  { _tag: "AssistantMessageCancelled", session_id: sid, message_id: id(12), at },
  { _tag: "AlternativeSelected", session_id: sid, after: id(10), index: 0, count: 2, shown: [id(11)], hidden: [id(12)], at },
  { _tag: "MessagesSetAside", session_id: sid, after: id(10), message_ids: [id(11)], count: 3, at },
  { _tag: "AssistantMessageStarted", session_id: sid, message_id: id(13), model: "m", at },
  {
    _tag: "AssistantMessageCompleted", session_id: sid, message_id: id(13), finish_reason: "stop", usage, ctx_used: 7,
    ctx_max: 4096, timings: { predicted_per_second: 12.5 }, at
  },
  { _tag: "MessagesCopied", session_id: sid, messages: [], at },
  { _tag: "MessagesDeleted", session_id: sid, message_ids: [id(13)], at },
  { _tag: "SessionDeleted", session_id: sid, at }
])

/** The frames the server builds for that log, with the state at each version where a frame needs it. */
const wireFrames = () =>
  log.flatMap((event, i) => {
    const frame = persistedFrame(event, i + 1, fold(log.slice(0, i + 1)))
    return frame === undefined ? [] : [JSON.parse(JSON.stringify(frame)) as unknown]
  })

describe("the frame contract", () => {
  it("every frame the server builds for a persisted event decodes with the browser's schema, and every kind is built", () => {
    const frames = wireFrames()
    const failures = frames.flatMap((f) => {
      const r = decodeSession(f)
      return r.ok ? [] : [r.error]
    })
    expect(failures).toEqual([])
    const kinds = new Set(frames.map((f) => decodeSession(f)).flatMap((r) => (r.ok ? [r.value.type] : [])))
    const declared = new Set(PersistedFrame.members.map((m) => m.fields.type.literals[0]))
    expect([...kinds].sort()).toEqual([...declared].sort())
  })

  it("delta frames (from the log and live) and the snapshot frame decode", () => {
    const view = { version: 4, cursor: makeDeltaCursor() }
    const rendered = renderPieces(view, [
      { _tag: "Delta", message_id: id(11), kind: "text", offset: 0, text: "Hal", version: 5 },
      { _tag: "Delta", message_id: id(11), kind: "reasoning", offset: 0, text: "hmm", version: undefined },
      { _tag: "Delta", message_id: id(11), kind: "text", offset: 3, text: "f", version: undefined }
    ])
    expect(rendered).not.toBe("gap")
    const frames = rendered === "gap" ? [] : rendered.map((json) => decodeSession(JSON.parse(json)))
    expect(frames.map((r) => (r.ok ? [r.value.type, "version" in r.value ? r.value.version : undefined] : r.error))).toEqual([
      ["delta", 5], ["reasoning_delta", undefined], ["delta", undefined]
    ])
    const state = fold(log.slice(0, 8))
    const snapshot = decodeSession(JSON.parse(JSON.stringify(snapshotFrame(sid, state, 8, null).frame)))
    expect(snapshot.ok && snapshot.value.type === "snapshot" ? snapshot.value.session.messages.map((m) => m.content) : snapshot).toEqual(["Why?", "Half"])
  })

  it("a frame missing any field it requires fails to decode", () => {
    const optional = new Set(["session_updated.name", "session_updated.model", "session_updated.system_prompt", "session_updated.generation"])
    for (const frame of wireFrames()) {
      const type = String(Reflect.get(Object(frame), "type"))
      for (const key of Object.keys(Object(frame))) {
        if (optional.has(`${type}.${key}`)) continue
        const { [key]: _dropped, ...rest } = Object(frame) as Record<string, unknown>
        expect(decodeSession(rest).ok, `${type} without ${key}`).toBe(false)
      }
    }
    expect(decodeSession({ type: "delta", message_id: id(1), content: "x" }).ok).toBe(false)
    expect(decodeSession({ type: "delta", message_id: id(1), offset: 0, content: "x" }).ok).toBe(true)
    expect(decodeUser({ type: "session_updated", session_id: sid, project_id: pid, name: "n", updated_at: at }).ok).toBe(false)
    expect(decodeUser({ type: "session_updated", session_id: sid, project_id: pid, name: "n", updated_at: at, busy: true }).ok).toBe(true)
  })

  it("a field of the wrong type or an unknown frame type fails to decode", () => {
    expect(decodeSession({ type: "delta", message_id: id(1), offset: 1.5, content: "x" }).ok).toBe(false)
    expect(decodeSession({ type: "caught_up", version: "3" }).ok).toBe(false)
    expect(decodeSession({ type: "message_completed", version: 3, at, message_id: id(1) }).ok).toBe(false)
    expect(decodeUser({ type: "project_renamed", project_id: pid, name: "P" }).ok).toBe(true)
  })
})
