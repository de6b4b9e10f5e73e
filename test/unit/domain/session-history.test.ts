import { Either } from "effect"
import { describe, expect, it } from "vitest"
import * as C from "../../../src/domain/session/commands.ts"
import * as Session from "../../../src/domain/session/decider.ts"
import * as E from "../../../src/domain/session/events.ts"
import { alternativesAt } from "../../../src/domain/session/state.ts"
import { at, completed, created, msg, oneExchange, sessionId, started, streaming, text, userPosted } from "./builders.ts"
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

const setAside = (after: number, count: number, ...ns: ReadonlyArray<number>) =>
  E.MessagesSetAside.make({ ...s, after: msg(after), message_ids: ns.map(msg), count })
const select = (n: number, index: number) => C.SelectAlternative.make({ ...s, message_id: msg(n), index })
const decided = (events: ReadonlyArray<E.SessionEvent>, command: C.SessionCommand) =>
  Either.getOrThrow(Session.decide(command, Session.fold(events)))
const ids = (state: { readonly messages: ReadonlyArray<{ readonly id: string }> }) => state.messages.map((m) => m.id)
/** oneExchange, then msg(2) regenerated as msg(3) "Yo", which finished. */
const regenerated = [
  ...oneExchange, setAside(1, 2, 2), started(3), text(3, 0, "Yo"), completed(3)
]

describe("regenerate", () => {
  it("keeps the answer it replaces as an alternative of the message before it and starts a new one", () => {
    given(oneExchange).when(regenerate(2, 3)).then([setAside(1, 2, 2), started(3)])
    const state = given(oneExchange).when(regenerate(2, 3)).state()
    expect(ids(state)).toStrictEqual([msg(1), msg(3)])
    expect(state.open_message_id).toBe(msg(3))
    expect(state.alternatives.map((a) => [a.after, a.active, a.tails.map((t) => t.map((m) => m.content))]))
      .toStrictEqual([[msg(1), 1, [["Hi"], []]]])
    expect(alternativesAt(state, 1)).toStrictEqual({ index: 1, count: 2 })
    expect(alternativesAt(state, 0)).toBeNull()
  })

  it("counts on: a third answer is the third alternative", () => {
    given(regenerated).when(regenerate(3, 4)).then([setAside(1, 3, 3), started(4)])
    const state = given(regenerated).when(regenerate(3, 4)).state()
    expect(state.alternatives[0].tails.map((t) => t.map((m) => m.content))).toStrictEqual([["Hi"], ["Yo"], []])
    expect(alternativesAt(state, 1)).toStrictEqual({ index: 2, count: 3 })
  })

  it("sets aside everything after the answer, later exchanges included", () => {
    const longer = [...oneExchange, userPosted(5, "more"), started(6), text(6, 0, "Sure"), completed(6)]
    given(longer).when(regenerate(2, 3)).then([setAside(1, 2, 2, 5, 6), started(3)])
    expect(ids(given(longer).when(regenerate(2, 3)).state())).toStrictEqual([msg(1), msg(3)])
  })

  it("replaces an answer that has no message before it (nothing to keep it under)", () => {
    const answerFirst = [created, started(2), text(2, 0, "Hi"), completed(2)]
    given(answerFirst).when(regenerate(2, 3)).then([deleted(2), started(3)])
  })

  it("refuses a user message, an unknown one, a used id (kept aside too), and an open turn", () => {
    given(oneExchange).when(regenerate(1, 3)).thenError("WrongMessageRole")
    given(oneExchange).when(regenerate(7, 3)).thenError("MessageNotFound")
    given(oneExchange).when(regenerate(2, 1)).thenError("MessageAlreadyExists")
    given(regenerated).when(regenerate(3, 2)).thenError("MessageAlreadyExists")
    given(streaming).when(regenerate(2, 3)).thenError("SessionBusy")
  })
})

describe("selecting an alternative", () => {
  it("shows the chosen answer and keeps the one it hides", () => {
    given(regenerated).when(select(3, 0)).then([
      E.AlternativeSelected.make({ ...s, after: msg(1), index: 0, count: 2, shown: [msg(2)], hidden: [msg(3)] })
    ])
    const state = given(regenerated).when(select(3, 0)).state()
    expect(state.messages.map((m) => [m.id, m.content])).toStrictEqual([[msg(1), "hello"], [msg(2), "Hi"]])
    expect(alternativesAt(state, 1)).toStrictEqual({ index: 0, count: 2 })
    expect(state.alternatives[0].tails.map((t) => t.map((m) => m.content))).toStrictEqual([[], ["Yo"]])
  })

  it("goes back and forth without losing an answer", () => {
    const there = given([...regenerated, ...decided(regenerated, select(3, 0))])
    const back = there.when(select(2, 1)).state()
    expect(back.messages.map((m) => m.content)).toStrictEqual(["hello", "Yo"])
    expect(back.alternatives[0].tails.map((t) => t.map((m) => m.content))).toStrictEqual([["Hi"], []])
  })

  it("the shown index is a no-op; out of range, no alternatives, unknown, busy are refused", () => {
    given(regenerated).when(select(3, 1)).then([])
    given(regenerated).when(select(3, 2)).thenError("AlternativeNotFound")
    given(oneExchange).when(select(2, 1)).thenError("AlternativeNotFound")
    given(regenerated).when(select(2, 0)).thenError("MessageNotFound")
    given([...regenerated, setAside(1, 3, 3), started(4)]).when(select(4, 0)).thenError("SessionBusy")
  })

  it("deleting from an answer drops its alternatives; deleting before them too", () => {
    expect(given(regenerated).when(deleteFrom(3)).state().alternatives).toStrictEqual([])
    expect(given(regenerated).when(deleteFrom(1)).state().alternatives).toStrictEqual([])
  })

  it("alternatives nested in a kept answer come back with it", () => {
    // msg(1) → answers msg(2) | msg(3); under msg(3): msg(5) asked, answered msg(6) then msg(7).
    const nested = [
      ...regenerated, userPosted(5, "more"), started(6), completed(6), setAside(5, 2, 6), started(7), completed(7)
    ]
    const away = Session.fold([...nested, ...decided(nested, select(3, 0))])
    expect(ids(away)).toStrictEqual([msg(1), msg(2)])
    const backAgain = Session.fold([
      ...nested, ...decided(nested, select(3, 0)),
      E.AlternativeSelected.make({ ...s, after: msg(1), index: 1, count: 2, shown: [msg(3), msg(5), msg(7)], hidden: [msg(2)] })
    ])
    expect(ids(backAgain)).toStrictEqual([msg(1), msg(3), msg(5), msg(7)])
    expect(alternativesAt(backAgain, 3)).toStrictEqual({ index: 1, count: 2 })
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
