import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { textReply } from "../../support/fakeLlm/index.ts"
import { type TestApp, TestAppServer, testAppLayer } from "../../support/testApp.ts"
import { at, call, str } from "./client.ts"
import { newSession, pause, waitIdle } from "./fixtures.ts"

const withApp = (name: string, f: (app: TestApp) => Promise<void>) =>
  [name, () => Effect.flatMap(TestAppServer, (app) => Effect.promise(() => f(app)))] as const

/** Resolves once the app has asked the fake LLM for `path` (the turn is then inside its setup). */
const asked = async (app: TestApp, path: string) => {
  const deadline = Date.now() + 10_000
  while (!app.fakeLlm.allRequests.some((r) => r.path === path)) {
    if (Date.now() > deadline) throw new Error(`the app never asked for ${path}`)
    await pause(10)
  }
}

layer(testAppLayer(), { excludeTestServices: true })("a turn stopped before its first request", (it) => {
  it.effect(...withApp("a cancel while the turn still asks the server its context size closes the answer as cancelled", async (app) => {
    // llama-swap's props of this model hang for a while: the turn is still setting up when the cancel comes.
    app.fakeLlm.setRoute("/upstream/slow-props/props", { status: 404, body: { error: "no such model" }, delayMs: 1500 })
    const { sessionId } = await newSession(app, { model: "slow-props" })
    app.fakeLlm.enqueue(textReply("never asked for"))
    const posted = await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "Hello?" })
    expect(posted.status).toBe(202)
    await asked(app, "/upstream/slow-props/props")
    const cancelled = await call(app.url, "POST", `/api/sessions/${sessionId}/cancel`)
    expect(at(cancelled.json, "cancelled")).toBe(true)
    const detail = await waitIdle(app, sessionId, 10_000)
    expect(str(detail.json, "messages", 1, "status")).toBe("cancelled")
    expect(app.fakeLlm.requests.length).toBe(0)
  }))
})
