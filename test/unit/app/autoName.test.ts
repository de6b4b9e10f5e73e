import { describe, expect, it } from "vitest"
import { exchangeToName } from "../../../src/app/turns/autoName.ts"
import * as Session from "../../../src/domain/session/decider.ts"
import * as E from "../../../src/domain/session/events.ts"
import { at, completed, created, msg, oneExchange, sessionId, started, streaming, text, userPosted } from "../domain/builders.ts"

const s = { session_id: sessionId, at }

describe("which exchange names a session", () => {
  it("the first question and its complete answer", () => {
    const pair = exchangeToName(Session.fold(oneExchange))
    expect([pair?.user.content, pair?.answer.content]).toEqual(["hello", "Hi"])
  })

  it("none while the answer streams, or when it failed", () => {
    expect(exchangeToName(Session.fold(streaming))).toBeUndefined()
    const failed = [...streaming, E.AssistantMessageFailed.make({ ...s, message_id: msg(2), error: { code: "upstream", message: "down" } })]
    expect(exchangeToName(Session.fold(failed))).toBeUndefined()
  })

  it("none once the user named the session, or it was named already", () => {
    expect(exchangeToName(Session.fold([...oneExchange, E.SessionRenamed.make({ ...s, name: "Mine", by: "user" })]))).toBeUndefined()
    expect(exchangeToName(Session.fold([...oneExchange, E.SessionRenamed.make({ ...s, name: "Auto", by: "auto" })]))).toBeUndefined()
  })

  it("none after a second exchange, or in a deleted session", () => {
    const second = [...oneExchange, userPosted(3, "more"), started(4), text(4, 0, "Sure"), completed(4)]
    expect(exchangeToName(Session.fold(second))).toBeUndefined()
    expect(exchangeToName(Session.fold([...oneExchange, E.SessionDeleted.make(s)]))).toBeUndefined()
    expect(exchangeToName(Session.fold([created]))).toBeUndefined()
  })
})
