import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { textReply } from "../../support/fakeLlm/index.ts"
import { type TestApp, TestAppServer, testAppLayer } from "../../support/testApp.ts"
import { at, call, str } from "./client.ts"
import { newSession, waitIdle } from "./fixtures.ts"
import { isType, open } from "./wsClient.ts"

const withApp = (name: string, f: (app: TestApp) => Promise<void>) =>
  [name, () => Effect.flatMap(TestAppServer, (app) => Effect.promise(() => f(app)))] as const

layer(testAppLayer({ env: { BOOCODE_WS_BUFFER_LIMIT: "65536", BOOCODE_FLUSH_CHARS: "200000" } }), {
  excludeTestServices: true
})("sockets", (it) => {
  it.effect(...withApp("two tabs stay in sync over the user channel", async (app) => {
    const tabA = await open(`${app.wsUrl}/api/ws/user`)
    const tabB = await open(`${app.wsUrl}/api/ws/user`)
    await tabA.waitFor(isType("hello"))
    const { projectId, sessionId } = await newSession(app)
    for (const tab of [tabA, tabB]) {
      expect(at(await tab.waitFor((f) => isType("project_added")(f) && at(f, "project_id") === projectId), "project_id")).toBe(projectId)
      await tab.waitFor((f) => isType("session_created")(f) && at(f, "session", "id") === sessionId)
    }
    await call(app.url, "PATCH", `/api/sessions/${sessionId}`, { name: "Shared name" })
    await tabB.waitFor((f) => isType("session_renamed")(f) && at(f, "name") === "Shared name")
    app.fakeLlm.enqueue(textReply("ok"))
    await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "hi" })
    const busy = await tabA.waitFor((f) => isType("session_updated")(f) && at(f, "session_id") === sessionId && at(f, "busy") === true)
    await tabA.waitFor((f) => isType("session_updated")(f) && at(f, "session_id") === sessionId && at(f, "busy") === false, 10_000, busy)
    expect(str((await waitIdle(app, sessionId)).json, "messages", 1, "content")).toBe("ok")
    await call(app.url, "DELETE", `/api/sessions/${sessionId}`)
    await tabB.waitFor((f) => isType("session_deleted")(f) && at(f, "session_id") === sessionId)
    tabA.ws.close()
    tabB.ws.close()
  }))

  it.effect(...withApp("a reader that stops reading is cut off; the turn carries on and other sessions are unaffected", async (app) => {
    const slow = await newSession(app)
    const other = await newSession(app)
    const reply = "0123456789abcdef".repeat(400_000)
    app.fakeLlm.enqueue(textReply(reply, { chunkChars: 16_000 }))
    const stuck = await open(`${app.wsUrl}/api/ws/sessions/${slow.sessionId}`)
    await stuck.waitFor(isType("caught_up"))
    stuck.ws.pause()
    const healthy = await open(`${app.wsUrl}/api/ws/sessions/${other.sessionId}`)
    await healthy.waitFor(isType("caught_up"))
    await call(app.url, "POST", `/api/sessions/${slow.sessionId}/messages`, { content: "flood me" })
    const detail = await waitIdle(app, slow.sessionId, 60_000)
    expect(str(detail.json, "messages", 1, "status")).toBe("complete")
    expect(str(detail.json, "messages", 1, "content").length).toBe(reply.length)
    stuck.ws.resume()
    expect([1008, 1006]).toContain(await stuck.closed)
    // A backlog far over the unsent-buffer limit is paced by the reader, not cut off.
    const late = await open(`${app.wsUrl}/api/ws/sessions/${slow.sessionId}`)
    await late.waitFor(isType("caught_up"), 30_000)
    const replayed = late.frames
      .filter((f) => isType("delta")(f) && at(f, "message_id") === str(detail.json, "messages", 1, "id"))
      .map((f) => str(f, "content"))
      .join("")
    expect(replayed).toBe(reply)
    late.ws.close()
    app.fakeLlm.enqueue(textReply("still fine"))
    await call(app.url, "POST", `/api/sessions/${other.sessionId}/messages`, { content: "hello" })
    await healthy.waitFor(isType("message_complete"), 20_000)
    healthy.ws.close()
  }))
})
