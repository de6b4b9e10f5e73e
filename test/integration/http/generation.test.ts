import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { textReply } from "../../support/fakeLlm/index.ts"
import { type TestApp, TestAppServer, testAppLayer } from "../../support/testApp.ts"
import { at, call, str } from "./client.ts"
import { newSession, waitIdle } from "./fixtures.ts"

const withApp = (name: string, f: (app: TestApp) => Promise<void>) =>
  [name, () => Effect.flatMap(TestAppServer, (app) => Effect.promise(() => f(app)))] as const

const settings = { temperature: 0.2, top_p: 0.9, max_tokens: 512, extra: { top_k: 40, min_p: 0.05, model: "not-this", stream: false } }

layer(testAppLayer(), { excludeTestServices: true })("the session's sampling settings", (it) => {
  it.effect(...withApp("are stored as an event, returned with the session, sent upstream and kept by a fork", async (app) => {
    const { sessionId } = await newSession(app)
    const patched = await call(app.url, "PATCH", `/api/sessions/${sessionId}`, { generation: settings })
    expect(patched.status).toBe(200)
    expect(at(patched.json, "generation")).toEqual(settings)
    const events = (await call(app.url, "GET", `/api/sessions/${sessionId}/events`)).json
    expect(Array.isArray(events) ? events.filter((e) => at(e, "type") === "SessionSettingsChanged").map((e) => at(e, "data", "generation")) : []).toEqual([settings])

    app.fakeLlm.enqueue(textReply("Sampled."))
    await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "Go" })
    const done = await waitIdle(app, sessionId)
    const body = app.fakeLlm.requests[app.fakeLlm.requests.length - 1]?.body
    expect([at(body, "temperature"), at(body, "top_p"), at(body, "max_tokens"), at(body, "top_k"), at(body, "min_p")]).toEqual([0.2, 0.9, 512, 40, 0.05])
    // Fields the turn owns are not replaced by extra ones.
    expect([at(body, "stream"), at(body, "model")]).toEqual([true, undefined])

    // The model that answered is recorded from the stream, and the export names it.
    expect(at(done.json, "messages", 1, "model")).toBe("fake-model")
    const md = (await call(app.url, "GET", `/api/sessions/${sessionId}/export?format=markdown`)).text
    expect(md).toContain("- model: the server's default (answered by fake-model)")
    expect(md).toContain("## Assistant (fake-model)")

    const fork = await call(app.url, "POST", `/api/sessions/${sessionId}/fork`, { message_id: str(done.json, "messages", 1, "id") })
    expect(at(fork.json, "session", "generation")).toEqual(settings)

    const cleared = await call(app.url, "PATCH", `/api/sessions/${sessionId}`, { generation: { temperature: null, top_p: null, max_tokens: null, extra: null } })
    expect(at(cleared.json, "generation")).toEqual({ temperature: null, top_p: null, max_tokens: null, extra: null })
  }))

  it.effect(...withApp("out of range or not JSON: 400 naming the field, nothing stored", async (app) => {
    const { sessionId } = await newSession(app)
    const base = { temperature: null, top_p: null, max_tokens: null, extra: null }
    const cases: ReadonlyArray<readonly [Record<string, unknown>, string]> = [
      [{ temperature: 2.5 }, "temperature"],
      [{ temperature: -0.1 }, "temperature"],
      [{ top_p: 0 }, "top_p"],
      [{ top_p: 1.5 }, "top_p"],
      [{ max_tokens: 0 }, "max_tokens"],
      [{ max_tokens: 1.5 }, "max_tokens"],
      [{ extra: "top_k=40" }, "extra"],
      [{ extra: [1, 2] }, "extra"]
    ]
    for (const [patch, field] of cases) {
      const answer = await call(app.url, "PATCH", `/api/sessions/${sessionId}`, { generation: { ...base, ...patch } })
      expect(answer.status, JSON.stringify(patch)).toBe(400)
      expect(str(answer.json, "error", "message"), JSON.stringify(patch)).toContain(field)
    }
    const events = (await call(app.url, "GET", `/api/sessions/${sessionId}/events`)).json
    expect(Array.isArray(events) ? events.map((e) => at(e, "type")) : []).toEqual(["SessionCreated"])
  }))
})
