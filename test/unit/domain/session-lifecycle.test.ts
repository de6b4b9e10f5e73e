import { describe, expect, it } from "vitest"
import * as C from "../../../src/domain/session/commands.ts"
import * as Session from "../../../src/domain/session/decider.ts"
import * as E from "../../../src/domain/session/events.ts"
import { at, cmd, created, msg, oneExchange, otherSessionId, projectId, sessionId, streaming } from "./builders.ts"
import { givenFor } from "./given.ts"

const given = givenFor(Session)
const s = { session_id: sessionId, at }
const create = (name = "New session") =>
  C.CreateSession.make({ ...s, project_id: projectId, name, model: "m1", system_prompt: "" })
const deleted = E.SessionDeleted.make(s)

describe("session lifecycle", () => {
  it("creates a session with a trimmed name", () => given([]).when(create(" New session ")).then([created]))

  it("refuses an invalid name", () => {
    given([]).when(create("")).thenError("InvalidName")
    given([]).when(create("x".repeat(121))).thenError("InvalidName")
  })

  it("refuses creating a session that exists, even deleted", () => {
    given([created]).when(create()).thenError("SessionAlreadyExists")
    given([created, deleted]).when(create()).thenError("SessionAlreadyExists")
  })

  it("refuses any command on a missing or deleted session", () => {
    given([]).when(cmd.rename("x")).thenError("SessionNotFound")
    given([created, deleted]).when(cmd.post(1, 2)).thenError("SessionNotFound")
    given([created, deleted]).when(C.DeleteSession.make(s)).thenError("SessionNotFound")
    given([]).when(cmd.cancel(2)).thenError("SessionNotFound")
  })

  it("renames by user and by auto", () => {
    given([created]).when(cmd.rename(" Mine ")).then([E.SessionRenamed.make({ ...s, name: "Mine", by: "user" })])
    given([created]).when(cmd.rename("Auto", "auto")).then([E.SessionRenamed.make({ ...s, name: "Auto", by: "auto" })])
  })

  it("never lets an auto rename override a user's name", () => {
    const byUser = E.SessionRenamed.make({ ...s, name: "Mine", by: "user" })
    given([created, byUser]).when(cmd.rename("Auto", "auto")).thenNothing()
    expect(given([created, byUser]).when(cmd.rename("Again")).state().name).toBe("Again")
  })

  it("changes only the settings given that differ", () => {
    given([created]).when(C.ChangeSessionSettings.make({ ...s, model: null })).then([
      E.SessionSettingsChanged.make({ ...s, model: null })
    ])
    given([created]).when(C.ChangeSessionSettings.make({ ...s, model: "m1", system_prompt: "Be brief" })).then([
      E.SessionSettingsChanged.make({ ...s, system_prompt: "Be brief" })
    ])
    given([created]).when(C.ChangeSessionSettings.make({ ...s, model: "m1" })).thenNothing()
    const state = given([created]).when(C.ChangeSessionSettings.make({ ...s, model: "m2" })).state()
    expect([state.model, state.system_prompt]).toStrictEqual(["m2", ""])
  })

  it("deletes a session", () => given([created]).when(C.DeleteSession.make(s)).then([deleted]))
})

describe("fork", () => {
  const source = Session.fold(oneExchange)
  const fork = (message_id = msg(2), messages = source.messages) => C.ForkSession.make({
    session_id: otherSessionId, project_id: projectId, name: "Fork", model: "m1", system_prompt: "",
    source_session_id: sessionId, source_version: source.version, message_id, messages, at
  })

  it("creates the session with forked_from and copies the history", () => {
    const forked_from = { session_id: sessionId, version: 5, message_id: msg(2) }
    given([]).when(fork()).then([
      E.SessionCreated.make({
        session_id: otherSessionId, project_id: projectId, name: "Fork", model: "m1", system_prompt: "", forked_from, at
      }),
      E.MessagesCopied.make({ session_id: otherSessionId, messages: source.messages, at })
    ])
    const state = given([]).when(fork()).state()
    expect(state.messages).toStrictEqual(source.messages)
    expect(state.forked_from).toStrictEqual(forked_from)
    expect(state.open_message_id).toBeNull()
  })

  it("refuses a cut that does not end at message_id", () => {
    given([]).when(fork(msg(1))).thenError("MessageNotFound")
    given([]).when(fork(msg(1), [])).thenError("MessageNotFound")
  })

  it("copies a still-streaming message as interrupted", () => {
    const live = Session.fold(streaming)
    const state = given([]).when(fork(msg(2), live.messages)).state()
    expect(state.messages[1]).toMatchObject({ status: "interrupted", finished_at: at })
  })

  it("refuses forking onto an existing session", () => given([created]).when(
    C.ForkSession.make({ ...fork(), session_id: sessionId })
  ).thenError("SessionAlreadyExists"))
})
