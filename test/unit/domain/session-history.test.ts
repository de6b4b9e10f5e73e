import { describe, expect, it } from "vitest"
import * as C from "../../../src/domain/session/commands.ts"
import * as Session from "../../../src/domain/session/decider.ts"
import * as E from "../../../src/domain/session/events.ts"
import { at, msg, oneExchange, sessionId, started, streaming, userPosted } from "./builders.ts"
import { givenFor } from "./given.ts"

const given = givenFor(Session)
const s = { session_id: sessionId, at }
const deleted = (...ns: ReadonlyArray<number>) => E.MessagesDeleted.make({ ...s, message_ids: ns.map(msg) })
const deleteFrom = (n: number) => C.DeleteMessagesFrom.make({ ...s, message_id: msg(n) })
const regenerate = (n: number, a: number) =>
  C.RegenerateFrom.make({ ...s, message_id: msg(n), assistant_message_id: msg(a), model: "m1" })
const edit = (n: number, u: number, a: number, content = "better") =>
  C.EditUserMessage.make({ ...s, message_id: msg(n), new_message_id: msg(u), assistant_message_id: msg(a), content, model: "m1" })

describe("deleting messages", () => {
  it("deletes a message and every message after it", () => {
    given(oneExchange).when(deleteFrom(1)).then([deleted(1, 2)])
    given(oneExchange).when(deleteFrom(2)).then([deleted(2)])
    expect(given(oneExchange).when(deleteFrom(1)).state().messages).toStrictEqual([])
  })

  it("refuses an unknown message and an open turn", () => {
    given(oneExchange).when(deleteFrom(7)).thenError("MessageNotFound")
    given(streaming).when(deleteFrom(1)).thenError("SessionBusy")
  })
})

describe("regenerate", () => {
  it("deletes from the assistant message and starts a new one", () => {
    given(oneExchange).when(regenerate(2, 3)).then([deleted(2), started(3)])
    const state = given(oneExchange).when(regenerate(2, 3)).state()
    expect(state.messages.map((m) => m.id)).toStrictEqual([msg(1), msg(3)])
    expect(state.open_message_id).toBe(msg(3))
  })

  it("refuses a user message, an unknown one, a used id, and an open turn", () => {
    given(oneExchange).when(regenerate(1, 3)).thenError("WrongMessageRole")
    given(oneExchange).when(regenerate(7, 3)).thenError("MessageNotFound")
    given(oneExchange).when(regenerate(2, 1)).thenError("MessageAlreadyExists")
    given(streaming).when(regenerate(2, 3)).thenError("SessionBusy")
  })
})

describe("edit", () => {
  it("replaces a user message and everything after it, then starts a reply", () => {
    given(oneExchange).when(edit(1, 3, 4)).then([deleted(1, 2), userPosted(3, "better"), started(4)])
    const state = given(oneExchange).when(edit(1, 3, 4)).state()
    expect(state.messages.map((m) => [m.id, m.content])).toStrictEqual([[msg(3), "better"], [msg(4), ""]])
  })

  it("refuses an assistant message, empty content and an open turn", () => {
    given(oneExchange).when(edit(2, 3, 4)).thenError("WrongMessageRole")
    given(oneExchange).when(edit(1, 3, 4, "  ")).thenError("EmptyMessage")
    given(oneExchange).when(edit(1, 3, 3)).thenError("MessageAlreadyExists")
    given(streaming).when(edit(1, 3, 4)).thenError("SessionBusy")
  })
})
