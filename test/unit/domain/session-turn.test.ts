import { describe, expect, it } from "vitest"
import * as C from "../../../src/domain/session/commands.ts"
import * as Session from "../../../src/domain/session/decider.ts"
import * as E from "../../../src/domain/session/events.ts"
import { at, call, cmd, completed, created, msg, oneExchange, sessionId, started, streaming, text, userPosted } from "./builders.ts"
import { givenFor } from "./given.ts"

const given = givenFor(Session)
const s = { session_id: sessionId, at }

describe("posting a message", () => {
  it("posts the user message and starts the assistant's", () =>
    given([created]).when(cmd.post(1, 2)).then([userPosted(1), started(2)]))

  it("refuses while a turn is open", () => given(streaming).when(cmd.post(3, 4)).thenError("SessionBusy"))

  it("refuses empty or whitespace content", () => given([created]).when(cmd.post(1, 2, " \n\t")).thenError("EmptyMessage"))

  it("refuses ids already used", () => {
    given(oneExchange).when(cmd.post(1, 3)).thenError("MessageAlreadyExists")
    given([created]).when(cmd.post(1, 1)).thenError("MessageAlreadyExists")
  })

  it("starts an assistant message on its own, but not while busy", () => {
    const start = C.StartAssistantMessage.make({ ...s, message_id: msg(3), model: null })
    given(oneExchange).when(start).then([started(3, null)])
    given(streaming).when(start).thenError("SessionBusy")
  })

  it("records the claiming instance as owner, with the start event's stream version as lease epoch", () => {
    const owner = { instance_id: "box-a:4040", lease_ms: 10_000 }
    const post = C.PostUserMessage.make({ ...s, message_id: msg(3), assistant_message_id: msg(4), content: "again", model: null, owner })
    const version = oneExchange.length
    given(oneExchange).when(post).then([
      userPosted(3, "again"),
      E.AssistantMessageStarted.make({ ...s, message_id: msg(4), model: null, owner: { ...owner, epoch: version + 2 } })
    ])
    const start = C.StartAssistantMessage.make({ ...s, message_id: msg(3), model: null, owner })
    given(oneExchange).when(start).then([
      E.AssistantMessageStarted.make({ ...s, message_id: msg(3), model: null, owner: { ...owner, epoch: version + 1 } })
    ])
  })

  it("holds user messages complete and the assistant's streaming", () => {
    const state = Session.fold(streaming)
    expect(state.open_message_id).toBe(msg(2))
    expect(state.messages.map((m) => [m.role, m.status, m.started_at, m.finished_at])).toStrictEqual([
      ["user", "complete", at, at],
      ["assistant", "streaming", at, null]
    ])
  })
})

describe("a cancel asked of another instance", () => {
  const request = (n: number) => C.RequestCancel.make({ ...s, message_id: msg(n) })

  it("is recorded for the open message, and leaves it streaming for its owner to stop", () => {
    given(streaming).when(request(2)).then([E.CancelRequested.make({ ...s, message_id: msg(2) })])
    const state = given(streaming).when(request(2)).state()
    expect(state.open_message_id).toBe(msg(2))
  })

  it("records nothing for a message no longer open", () => given(oneExchange).when(request(2)).thenNothing())
})

describe("deltas", () => {
  it("appends text and reasoning at the current length", () => {
    given(streaming).when(cmd.appendText(2, 0, "Hi")).then([text(2, 0, "Hi")])
    given([...streaming, text(2, 0, "Hi")]).when(cmd.appendText(2, 2, " there")).then([text(2, 2, " there")])
    given(streaming).when(cmd.appendReasoning(2, 0, "hm")).then([
      E.ReasoningDelta.make({ ...s, message_id: msg(2), offset: 0, text: "hm" })
    ])
  })

  it("counts offsets in UTF-16 code units", () => {
    const emoji = [...streaming, text(2, 0, "é😀")]
    given(emoji).when(cmd.appendText(2, 3, "!")).then([text(2, 3, "!")])
    given(emoji).when(cmd.appendText(2, 2, "!")).thenError("DeltaOffsetMismatch")
  })

  it("refuses a delta at the wrong offset", () => {
    given(streaming).when(cmd.appendText(2, 1, "x")).thenError("DeltaOffsetMismatch")
    given([...streaming, text(2, 0, "Hi")]).when(cmd.appendReasoning(2, 2, "x")).thenError("DeltaOffsetMismatch")
  })

  it("emits nothing for empty text", () => given(streaming).when(cmd.appendText(2, 0, "")).thenNothing())

  it("refuses deltas for a message that is not open", () => {
    given(oneExchange).when(cmd.appendText(2, 2, "x")).thenError("MessageNotOpen")
    given(streaming).when(cmd.appendText(1, 0, "x")).thenError("MessageNotOpen")
  })
})

describe("tool calls", () => {
  const requested = E.ToolCallRequested.make({ ...s, message_id: msg(2), tool_call_id: call(1), name: "grep", args: "{}" })
  const withCall = [...streaming, requested]

  it("requests a tool call once", () => {
    given(streaming).when(cmd.requestTool(2, 1)).then([requested])
    given(withCall).when(cmd.requestTool(2, 1)).thenError("ToolCallAlreadyRequested")
  })

  it("records a result only for a requested call without one", () => {
    const recorded = E.ToolResultRecorded.make({
      ...s, message_id: msg(2), tool_call_id: call(1), output: "ok", truncated: false
    })
    given(withCall).when(cmd.recordTool(2, 1)).then([recorded])
    given(streaming).when(cmd.recordTool(2, 1)).thenError("ToolCallNotFound")
    given([...withCall, recorded]).when(cmd.recordTool(2, 1)).thenError("ToolResultAlreadyRecorded")
    const state = given(withCall).when(cmd.recordTool(2, 1)).state()
    expect(state.messages[1].tool_results).toStrictEqual([{ tool_call_id: call(1), output: "ok", truncated: false, error: null }])
  })

  it("refuses tool calls on a message that is not open", () =>
    given(oneExchange).when(cmd.requestTool(2, 1)).thenError("MessageNotOpen"))
})

describe("ending a turn", () => {
  it("completes the open message", () => {
    given(streaming).when(cmd.complete(2)).then([completed(2)])
    const state = given(streaming).when(cmd.complete(2)).state()
    expect(state.open_message_id).toBeNull()
    expect(state.messages[1]).toMatchObject({ status: "complete", finish_reason: "stop", finished_at: at })
  })

  it("fails the open message with its error", () => {
    const state = given(streaming).when(cmd.fail(2)).state()
    expect(state.messages[1]).toMatchObject({ status: "failed", error: { code: "upstream", message: "down" } })
    expect(state.open_message_id).toBeNull()
  })

  it("refuses complete and fail on a message that is not open", () => {
    given(oneExchange).when(cmd.complete(2)).thenError("MessageNotOpen")
    given(oneExchange).when(cmd.fail(2)).thenError("MessageNotOpen")
  })

  it("cancels and interrupts the open message", () => {
    given(streaming).when(cmd.cancel(2)).then([E.AssistantMessageCancelled.make({ ...s, message_id: msg(2) })])
    given(streaming).when(cmd.interrupt(2)).then([
      E.AssistantMessageInterrupted.make({ ...s, message_id: msg(2), reason: "shutdown" })
    ])
    expect(given(streaming).when(cmd.cancel(2)).state().messages[1].status).toBe("cancelled")
    expect(given(streaming).when(cmd.interrupt(2)).state().messages[1]).toMatchObject({
      status: "interrupted", error: { code: "interrupted", message: "shutdown" }
    })
  })

  it("keeps partial text when cancelled", () =>
    expect(given([...streaming, text(2, 0, "part")]).when(cmd.cancel(2)).state().messages[1].content).toBe("part"))

  it("treats cancel or interrupt with no open turn as harmless", () => {
    given(oneExchange).when(cmd.cancel(2)).thenNothing()
    given(oneExchange).when(cmd.interrupt(2)).thenNothing()
    given(streaming).when(cmd.cancel(9)).thenNothing()
  })
})

describe("continuing a stopped answer", () => {
  const continueCmd = (n: number) => C.ContinueMessage.make({ ...s, message_id: msg(n), owner: { instance_id: "box-a:4040", lease_ms: 10_000 } })
  const partial = [created, userPosted(1), started(2), text(2, 0, "Half an ans")]
  const stopped = {
    interrupted: [...partial, E.AssistantMessageInterrupted.make({ ...s, message_id: msg(2), reason: "stopped" })],
    cancelled: [...partial, E.AssistantMessageCancelled.make({ ...s, message_id: msg(2) })],
    failedWithText: [...partial, E.AssistantMessageFailed.make({ ...s, message_id: msg(2), error: { code: "x", message: "boom" } })],
    atLength: [...partial, E.AssistantMessageCompleted.make({
      ...s, message_id: msg(2), finish_reason: "length", usage: null, ctx_used: null, ctx_max: null, timings: null
    })]
  }

  it.each(Object.entries(stopped))("reopens the last answer when it is %s, owned by the claiming instance", (_, events) => {
    const epoch = events.length + 1
    given(events).when(continueCmd(2)).then([
      E.AssistantMessageContinued.make({ ...s, message_id: msg(2), owner: { instance_id: "box-a:4040", epoch, lease_ms: 10_000 } })
    ])
    const state = given(events).when(continueCmd(2)).state()
    expect(state.open_message_id).toBe(msg(2))
    expect(state.messages[1]).toMatchObject({ status: "streaming", error: null, finish_reason: null, content: "Half an ans" })
  })

  it("goes on from the text it has: the next delta starts at its length, in the same text stretch", () => {
    const reopened = given(stopped.cancelled).when(continueCmd(2)).state()
    const events = [...stopped.cancelled, E.AssistantMessageContinued.make({ ...s, message_id: msg(2) })]
    given(events).when(cmd.appendText(2, 11, "swer")).then([text(2, 11, "swer")])
    given(events).when(cmd.appendText(2, 0, "swer")).thenError("DeltaOffsetMismatch")
    expect(Session.fold([...events, text(2, 11, "swer")]).messages[1].parts).toEqual([{ type: "text", start: 0, end: 15 }])
    expect(reopened.version).toBe(events.length)
  })

  it("refuses anything else, saying why", () => {
    given(oneExchange).when(continueCmd(2)).thenError("NotContinuable")
    given(streaming).when(continueCmd(2)).thenError("SessionBusy")
    given([...stopped.interrupted, userPosted(3), started(4), completed(4)]).when(continueCmd(2)).thenError("NotContinuable")
    given(stopped.interrupted).when(continueCmd(1)).thenError("NotContinuable")
    const failedEmpty = [created, userPosted(1), started(2), E.AssistantMessageFailed.make({ ...s, message_id: msg(2), error: { code: "x", message: "boom" } })]
    const refused = given(failedEmpty).when(continueCmd(2)).thenError("NotContinuable")
    expect(refused.message).toContain("regenerate")
  })
})
