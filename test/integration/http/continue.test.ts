import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { slowReply, textReply } from "../../support/fakeLlm/index.ts"
import { type TestApp, TestAppServer, testAppLayer } from "../../support/testApp.ts"
import { slowReplyText } from "../turns/helpers.ts"
import { at, call, str } from "./client.ts"
import { newSession, pause, waitIdle } from "./fixtures.ts"
import { isType, makeResumingReader } from "./wsClient.ts"

const withApp = (name: string, f: (app: TestApp) => Promise<void>) =>
  [name, () => Effect.flatMap(TestAppServer, (app) => Effect.promise(() => f(app)))] as const

const lastRequestMessages = (app: TestApp) => {
  const messages = at(app.fakeLlm.requests[app.fakeLlm.requests.length - 1]?.body, "messages")
  return Array.isArray(messages) ? messages : []
}

const loggedText = async (app: TestApp, sessionId: string, messageId: string) => {
  const events = (await call(app.url, "GET", `/api/sessions/${sessionId}/events`)).json
  return (Array.isArray(events) ? events : [])
    .filter((e) => at(e, "type") === "TextDelta" && at(e, "data", "message_id") === messageId)
    .map((e) => str(e, "data", "text"))
    .join("")
}

layer(testAppLayer(), { excludeTestServices: true })("continuing a stopped answer", (it) => {
  it.effect(...withApp("an answer cut at the length limit goes on in the same message: the request ends with it as prefill", async (app) => {
    const { sessionId } = await newSession(app)
    app.fakeLlm.enqueue(textReply("The first half of the answer", { finishReason: "length" }))
    const posted = await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "Explain" })
    const messageId = str(posted.json, "assistant_message_id")
    await waitIdle(app, sessionId)
    app.fakeLlm.enqueue(textReply(", and the second half."))
    const continued = await call(app.url, "POST", `/api/sessions/${sessionId}/messages/${messageId}/continue`)
    expect(continued.status).toBe(202)
    expect(str(continued.json, "assistant_message_id")).toBe(messageId)
    const detail = await waitIdle(app, sessionId)
    const sent = lastRequestMessages(app)
    expect([at(sent[sent.length - 1], "role"), at(sent[sent.length - 1], "content")]).toEqual(["assistant", "The first half of the answer"])
    expect(at(sent[sent.length - 2], "role")).toBe("user")
    expect(at(detail.json, "messages", 1)).toMatchObject({
      id: messageId, status: "complete", content: "The first half of the answer, and the second half."
    })
    expect((at(detail.json, "messages") as Array<unknown>).length).toBe(2)
    expect(await loggedText(app, sessionId, messageId)).toBe("The first half of the answer, and the second half.")
    expect(at(detail.json, "messages", 1, "parts")).toEqual([{ type: "text", text: "The first half of the answer, and the second half." }])
  }))

  it.effect(...withApp("after a cancel: a live reader sees the continuation from the offset it stopped at, no gap and no duplicate", async (app) => {
    const { sessionId } = await newSession(app)
    const reader = makeResumingReader(app.wsUrl, sessionId)
    const { socket } = await reader.connect()
    app.fakeLlm.enqueue(slowReply(300, 20))
    const posted = await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "Tell me" })
    const messageId = str(posted.json, "assistant_message_id")
    while ((await loggedText(app, sessionId, messageId)).length < 30) await pause(50)
    await call(app.url, "POST", `/api/sessions/${sessionId}/cancel`)
    const cancelled = await waitIdle(app, sessionId)
    expect(str(cancelled.json, "messages", 1, "status")).toBe("cancelled")
    const kept = str(cancelled.json, "messages", 1, "content")
    expect(slowReplyText(300).startsWith(kept)).toBe(true)

    app.fakeLlm.enqueue(textReply(" THE REST.", { chunkChars: 2, delayMs: 5 }))
    expect((await call(app.url, "POST", `/api/sessions/${sessionId}/messages/${messageId}/continue`)).status).toBe(202)
    const done = await waitIdle(app, sessionId)
    const sent = lastRequestMessages(app)
    expect(at(sent[sent.length - 1], "content")).toBe(kept)
    expect(str(done.json, "messages", 1, "content")).toBe(`${kept} THE REST.`)
    expect(str(done.json, "messages", 1, "status")).toBe("complete")
    await socket.waitFor((f) => isType("message_complete")(f) && at(f, "message_id") === messageId, 10_000)
    expect(socket.frames.some((f) => isType("message_continued")(f) && at(f, "message_id") === messageId)).toBe(true)
    expect(reader.texts.get(messageId)).toBe(`${kept} THE REST.`)
    expect([reader.state.gaps, reader.state.overlap]).toEqual([0, 0])
    socket.ws.close()
  }))

  it.effect(...withApp("anything else is refused with 409 and the reason", async (app) => {
    const { sessionId } = await newSession(app)
    app.fakeLlm.enqueue(textReply("Complete."))
    const posted = await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "Hi" })
    await waitIdle(app, sessionId)
    const complete = await call(app.url, "POST", `/api/sessions/${sessionId}/messages/${str(posted.json, "assistant_message_id")}/continue`)
    expect(complete.status).toBe(409)
    expect([at(complete.json, "error", "code"), str(complete.json, "error", "message")]).toEqual([
      "not_continuable", `Message ${str(posted.json, "assistant_message_id")} cannot be continued: it is complete (it did not stop at the length limit)`
    ])
    const user = await call(app.url, "POST", `/api/sessions/${sessionId}/messages/${str(posted.json, "user_message_id")}/continue`)
    expect([user.status, at(user.json, "error", "code")]).toEqual([409, "not_continuable"])
  }))
})
