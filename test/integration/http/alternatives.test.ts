import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { textReply } from "../../support/fakeLlm/index.ts"
import { type TestApp, TestAppServer, testAppLayer } from "../../support/testApp.ts"
import { makeModelClient } from "./browserModelClient.ts"
import { at, call, str } from "./client.ts"
import { newSession, pause, waitIdle } from "./fixtures.ts"
import { open } from "./wsClient.ts"

const withApp = (name: string, f: (app: TestApp) => Promise<void>) =>
  [name, () => Effect.flatMap(TestAppServer, (app) => Effect.promise(() => f(app)))] as const

const messagesOf = (json: unknown) => {
  const messages = at(json, "messages")
  return Array.isArray(messages) ? messages : []
}

const shown = (json: unknown) => messagesOf(json).map((m) => [str(m, "content"), at(m, "alternatives")])

const ask = async (app: TestApp, sessionId: string, reply: string, content = "Why?") => {
  app.fakeLlm.enqueue(textReply(reply))
  const posted = await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content })
  expect(posted.status).toBe(202)
  await waitIdle(app, sessionId)
  return str(posted.json, "assistant_message_id")
}

const regenerate = async (app: TestApp, sessionId: string, messageId: string, reply: string) => {
  app.fakeLlm.enqueue(textReply(reply))
  const r = await call(app.url, "POST", `/api/sessions/${sessionId}/messages/${messageId}/regenerate`)
  expect(r.status).toBe(202)
  await waitIdle(app, sessionId)
  return str(r.json, "assistant_message_id")
}

const select = (app: TestApp, sessionId: string, messageId: string, index: unknown) =>
  call(app.url, "POST", `/api/sessions/${sessionId}/messages/${messageId}/select`, { index })

/** Polls until the model client's conversation has `count` messages of these contents. */
const until = async (check: () => boolean, what: string) => {
  const deadline = Date.now() + 10_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await pause(20)
  }
}

layer(testAppLayer(), { excludeTestServices: true })("alternatives: regenerated answers are kept", (it) => {
  it.effect(...withApp("regenerate keeps the old answer, select shows it again, and the prompt follows the shown branch", async (app) => {
    const { sessionId } = await newSession(app)
    const first = await ask(app, sessionId, "Answer one.")
    const second = await regenerate(app, sessionId, first, "Answer two.")
    const third = await regenerate(app, sessionId, second, "Answer three.")

    let detail = await call(app.url, "GET", `/api/sessions/${sessionId}`)
    expect(shown(detail.json)).toEqual([["Why?", null], ["Answer three.", { index: 2, count: 3 }]])

    const picked = await select(app, sessionId, third, 0)
    expect(picked.status).toBe(200)
    expect(shown(picked.json)).toEqual([["Why?", null], ["Answer one.", { index: 0, count: 3 }]])
    expect(str(messagesOf(picked.json)[1], "id")).toBe(first)
    detail = await call(app.url, "GET", `/api/sessions/${sessionId}`)
    expect(shown(detail.json)).toEqual(shown(picked.json))

    // The next question is asked on the branch shown: the model sees answer one, not three.
    await ask(app, sessionId, "Follow-up answer.", "And then?")
    const sent = at(app.fakeLlm.requests[app.fakeLlm.requests.length - 1]?.body, "messages")
    const contents = (Array.isArray(sent) ? sent : []).filter((m) => at(m, "role") !== "system").map((m) => at(m, "content"))
    expect(contents).toEqual(["Why?", "Answer one.", "And then?"])

    // Switching to answer two hides the follow-up with answer one; switching back brings both.
    const toTwo = await select(app, sessionId, first, 1)
    expect(shown(toTwo.json)).toEqual([["Why?", null], ["Answer two.", { index: 1, count: 3 }]])
    const backToOne = await select(app, sessionId, second, 0)
    expect(shown(backToOne.json)).toEqual([
      ["Why?", null], ["Answer one.", { index: 0, count: 3 }], ["And then?", null], ["Follow-up answer.", null]
    ])

    // Replay shows each step: the selections are events, and the state at each version tells them apart.
    const events = (await call(app.url, "GET", `/api/sessions/${sessionId}/events`)).json
    const kinds = (Array.isArray(events) ? events : []).map((e) => at(e, "type"))
    expect(kinds.filter((k) => k === "MessagesSetAside").length).toBe(2)
    expect(kinds.filter((k) => k === "AlternativeSelected").length).toBe(3)
    const firstSelect = (Array.isArray(events) ? events : []).find((e) => at(e, "type") === "AlternativeSelected")
    const before = await call(app.url, "GET", `/api/sessions/${sessionId}/state?version=${Number(at(firstSelect, "version")) - 1}`)
    expect(shown(before.json)).toEqual([["Why?", null], ["Answer three.", { index: 2, count: 3 }]])
  }))

  it.effect(...withApp("the socket tells every reader: set-aside and selected answers arrive as frames the browser model applies", async (app) => {
    const { sessionId } = await newSession(app)
    const client = makeModelClient(app.wsUrl, sessionId)
    const socket = await client.connect()
    const first = await ask(app, sessionId, "Alpha **bold**.")
    const second = await regenerate(app, sessionId, first, "Beta.")
    const contents = () => client.conversation.messages.map((m) => [m.content, m.alternatives])
    await until(() => client.conversation.messages.at(-1)?.status === "complete" && client.conversation.messages.at(-1)?.id === second, "the second answer")
    expect(contents()).toEqual([["Why?", null], ["Beta.", { index: 1, count: 2 }]])

    expect((await select(app, sessionId, second, 0)).status).toBe(200)
    await until(() => client.conversation.messages.at(-1)?.id === first, "the first answer shown again")
    expect(contents()).toEqual([["Why?", null], ["Alpha **bold**.", { index: 0, count: 2 }]])
    expect(client.conversation.messages[1].status).toBe("complete")
    expect(client.state.gaps).toBe(0)

    // A reader joining from scratch rebuilds the same conversation from the log.
    const late = makeModelClient(app.wsUrl, sessionId)
    const lateSocket = await late.connect()
    await lateSocket.waitFor((f) => at(f, "type") === "caught_up")
    expect(late.conversation.messages.map((m) => [m.content, m.alternatives])).toEqual(contents())
    const detail = await call(app.url, "GET", `/api/sessions/${sessionId}`)
    expect(shown(detail.json)).toEqual(contents())
    socket.ws.close()
    lateSocket.ws.close()
  }))

  it.effect(...withApp("bad choices get clear errors and change nothing", async (app) => {
    const { sessionId } = await newSession(app)
    const first = await ask(app, sessionId, "Only answer.")
    const user = str(messagesOf((await call(app.url, "GET", `/api/sessions/${sessionId}`)).json)[0], "id")

    const none = await select(app, sessionId, first, 1)
    expect([none.status, at(none.json, "error", "code")]).toEqual([404, "alternative_not_found"])
    expect(str(none.json, "error", "message")).toContain("regenerate")

    const second = await regenerate(app, sessionId, first, "Second answer.")
    const beyond = await select(app, sessionId, second, 2)
    expect([beyond.status, str(beyond.json, "error", "message")]).toEqual([
      404, `Message ${second} has 2 alternatives: choose an index from 0 to 1`
    ])
    expect((await select(app, sessionId, second, -1)).status).toBe(400)
    expect((await select(app, sessionId, second, "one")).status).toBe(400)
    expect((await select(app, sessionId, second, 0.5)).status).toBe(400)
    expect((await select(app, sessionId, "00000000-0000-4000-8000-000000000000", 0)).status).toBe(404)
    const before = await call(app.url, "GET", `/api/sessions/${sessionId}`)
    expect((await select(app, sessionId, user, 0)).status).toBe(200)
    const after = await call(app.url, "GET", `/api/sessions/${sessionId}`)
    expect(at(after.json, "version")).toBe(at(before.json, "version"))
    expect(shown(after.json)).toEqual([["Why?", null], ["Second answer.", { index: 1, count: 2 }]])
  }))

  it.effect(...withApp("while an answer streams, selecting is refused with 409", async (app) => {
    const { sessionId } = await newSession(app)
    const first = await ask(app, sessionId, "One.")
    const second = await regenerate(app, sessionId, first, "Two.")
    const watcher = await open(`${app.wsUrl}/api/ws/sessions/${sessionId}`)
    app.fakeLlm.enqueue(textReply("Three, slowly.", { chunkChars: 1, delayMs: 100 }))
    const third = str((await call(app.url, "POST", `/api/sessions/${sessionId}/messages/${second}/regenerate`)).json, "assistant_message_id")
    await watcher.waitFor((f) => at(f, "type") === "message_started" && at(f, "message_id") === third, 10_000)
    const busy = await select(app, sessionId, third, 0)
    expect([busy.status, at(busy.json, "error", "code")]).toEqual([409, "session_busy"])
    await call(app.url, "POST", `/api/sessions/${sessionId}/cancel`)
    await waitIdle(app, sessionId)
    watcher.ws.close()
  }))
})
