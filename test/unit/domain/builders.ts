import { MessageId, ProjectId, SessionId, ToolCallId } from "../../../src/domain/ids.ts"
import * as C from "../../../src/domain/session/commands.ts"
import * as E from "../../../src/domain/session/events.ts"

export const at = "2025-06-01T12:00:00.000Z"
export const later = "2025-06-01T12:00:05.000Z"
export const projectId = ProjectId.make("7d444840-9dc0-41d1-b245-5ffbf76e5ce6")
export const sessionId = SessionId.make("1e0b6a3c-3f8e-4c4a-9a4b-2f1d8c0e7b11")
export const otherSessionId = SessionId.make("9b2f4c1e-6a7d-4e8f-8a1b-3c5d7e9f0a12")
/** Deterministic message ids: msg(1), msg(2)... */
export const msg = (n: number): MessageId =>
  MessageId.make(`00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`)
export const call = (n: number): ToolCallId => ToolCallId.make(`call_${n}`)

const s = { session_id: sessionId, at }

export const created = E.SessionCreated.make({
  ...s, project_id: projectId, name: "New session", model: "m1", system_prompt: ""
})
export const userPosted = (n: number, content = "hello") => E.UserMessagePosted.make({ ...s, message_id: msg(n), content })
export const started = (n: number, model: string | null = "m1") =>
  E.AssistantMessageStarted.make({ ...s, message_id: msg(n), model })
export const text = (n: number, offset: number, t: string) => E.TextDelta.make({ ...s, message_id: msg(n), offset, text: t })
export const completed = (n: number) => E.AssistantMessageCompleted.make({
  ...s, message_id: msg(n), finish_reason: "stop", usage: null, ctx_used: null, ctx_max: null, timings: null
})
/** A session with one finished exchange: user msg(1), assistant msg(2) "Hi". */
export const oneExchange = [created, userPosted(1), started(2), text(2, 0, "Hi"), completed(2)]
/** A session whose assistant msg(2) is still streaming. */
export const streaming = [created, userPosted(1), started(2)]

export const cmd = {
  post: (n: number, a: number, content = "hello") =>
    C.PostUserMessage.make({ ...s, message_id: msg(n), assistant_message_id: msg(a), content, model: "m1" }),
  appendText: (n: number, offset: number, t: string) => C.AppendText.make({ ...s, message_id: msg(n), offset, text: t }),
  appendReasoning: (n: number, offset: number, t: string) =>
    C.AppendReasoning.make({ ...s, message_id: msg(n), offset, text: t }),
  requestTool: (n: number, c: number) =>
    C.RequestToolCall.make({ ...s, message_id: msg(n), tool_call_id: call(c), name: "grep", args: "{}" }),
  recordTool: (n: number, c: number) =>
    C.RecordToolResult.make({ ...s, message_id: msg(n), tool_call_id: call(c), output: "ok", truncated: false }),
  complete: (n: number) => C.CompleteMessage.make({
    ...s, message_id: msg(n), finish_reason: "stop", usage: null, ctx_used: null, ctx_max: null, timings: null
  }),
  fail: (n: number) => C.FailMessage.make({ ...s, message_id: msg(n), error: { code: "upstream", message: "down" } }),
  cancel: (n: number) => C.CancelMessage.make({ ...s, message_id: msg(n) }),
  interrupt: (n: number) => C.InterruptMessage.make({ ...s, message_id: msg(n), reason: "shutdown" }),
  rename: (name: string, by: "user" | "auto" = "user") => C.RenameSession.make({ ...s, name, by })
}
