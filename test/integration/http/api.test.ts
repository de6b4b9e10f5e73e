import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { slowReply, textReply } from "../../support/fakeLlm/index.ts"
import { type TestApp, TestAppServer, testAppLayer } from "../../support/testApp.ts"
import { at, call, num, str } from "./client.ts"
import { newSession, pause, waitIdle } from "./fixtures.ts"

const withApp = (name: string, f: (app: TestApp) => Promise<void>) =>
  [name, () => Effect.flatMap(TestAppServer, (app) => Effect.promise(() => f(app)))] as const

const expectError = (answer: { status: number; json: unknown }, status: number, code?: string) => {
  expect(`${answer.status} ${JSON.stringify(answer.json)}`).toBe(`${status} ${JSON.stringify(answer.json)}`)
  expect(typeof at(answer.json, "error", "message")).toBe("string")
  if (code !== undefined) expect(at(answer.json, "error", "code")).toBe(code)
}

layer(testAppLayer(), { excludeTestServices: true })("HTTP API contract", (it) => {
  it.effect(...withApp("projects and sessions: create, list, update, delete", async (app) => {
    const { projectId, sessionId, dir } = await newSession(app, { name: "Ünïcødé 🦀 שלום" })
    expectError(await call(app.url, "POST", "/api/projects", { path: dir }), 409, "project_path_taken")
    expectError(await call(app.url, "POST", "/api/projects", { path: "relative/path" }), 400)
    const projects = await call(app.url, "GET", "/api/projects")
    expect(JSON.stringify(projects.json)).toContain(projectId)
    const list = await call(app.url, "GET", `/api/projects/${projectId}/sessions`)
    expect(str(list.json, 0, "name")).toBe("Ünïcødé 🦀 שלום")
    const patched = await call(app.url, "PATCH", `/api/sessions/${sessionId}`, { name: "Renamed", system_prompt: "Be brief." })
    expect(patched.status).toBe(200)
    expect(str(patched.json, "name")).toBe("Renamed")
    expect(str(patched.json, "system_prompt")).toBe("Be brief.")
    expect((await call(app.url, "DELETE", `/api/sessions/${sessionId}`)).status).toBe(204)
    expectError(await call(app.url, "GET", `/api/sessions/${sessionId}`), 404, "session_not_found")
    expect((await call(app.url, "DELETE", `/api/projects/${projectId}`)).status).toBe(204)
    expectError(await call(app.url, "GET", `/api/projects/${projectId}/sessions`), 404)
  }))

  it.effect(...withApp("every bad input class answers 4xx in the one error shape", async (app) => {
    const { sessionId } = await newSession(app)
    const post = (body: string, headers: Record<string, string> = { "content-type": "application/json" }) =>
      call(app.url, "POST", `/api/sessions/${sessionId}/messages`, body, headers)
    expectError(await post("{not json"), 400, "malformed_json")
    const wrongType = await post(JSON.stringify({ content: 5 }))
    expectError(wrongType, 400, "bad_request")
    expect(str(wrongType.json, "error", "message")).toContain("content")
    const badId = await call(app.url, "GET", "/api/sessions/not-a-uuid")
    expectError(badId, 400, "bad_request")
    expect(str(badId.json, "error", "message")).toContain("id")
    expectError(await post("content=hi", { "content-type": "text/plain" }), 415, "unsupported_media_type")
    expectError(await post(JSON.stringify({ content: "x".repeat(2 * 1024 * 1024) })), 413, "payload_too_large")
    const nul = await post(JSON.stringify({ content: "a\u0000b" }))
    expectError(nul, 400)
    expect(str(nul.json, "error", "message")).toContain("content")
    expectError(await call(app.url, "GET", `/api/sessions/${sessionId}/events?after=-1`), 400)
    expectError(await call(app.url, "GET", "/api/nothing/here"), 404, "not_found")
    expectError(await call(app.url, "GET", `/api/sessions/${crypto.randomUUID()}`), 404, "session_not_found")
  }))

  it.effect(...withApp("a repeated post with its idempotency key gets the first answer; the key with another body is 422", async (app) => {
    const { sessionId } = await newSession(app)
    const key = { "content-type": "application/json", "idempotency-key": "k-1" }
    const first = await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "find the zebra" }, key)
    expect(first.status).toBe(202)
    await waitIdle(app, sessionId)
    const again = await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "find the zebra" }, key)
    expect(again.status).toBe(202)
    expect(again.json).toEqual(first.json)
    expectError(await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "other" }, key), 422, "command_id_reused")
    expect(app.fakeLlm.requests.length).toBe(1)
  }))

  it.effect(...withApp("while an answer streams: the same post repeats its answer, another is 409, and a cancel ends it", async (app) => {
    const { sessionId } = await newSession(app)
    app.fakeLlm.enqueue(slowReply(200, 20))
    const slowKey = { "content-type": "application/json", "idempotency-key": "k-2" }
    const slow = await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "go slowly" }, slowKey)
    expect(slow.status).toBe(202)
    const repeat = await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "go slowly" }, slowKey)
    expect(repeat.status).toBe(202)
    expect(repeat.json).toEqual(slow.json)
    expectError(await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "more" }), 409, "session_busy")
    await pause(150)
    const cancelled = await call(app.url, "POST", `/api/sessions/${sessionId}/cancel`)
    expect(at(cancelled.json, "cancelled")).toBe(true)
    const detail = await waitIdle(app, sessionId)
    expect(str(detail.json, "messages", 1, "status")).toBe("cancelled")
  }))

  /** A session with one finished exchange whose answer reports its token usage. */
  const answered = async (app: TestApp, reply = "The zebra lives in stripes.ts") => {
    const { sessionId } = await newSession(app)
    app.fakeLlm.enqueue(textReply(reply, { usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 } }))
    expect((await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "where is the zebra?" })).status).toBe(202)
    const done = await waitIdle(app, sessionId)
    return { sessionId, done, version: num(done.json, "version"), assistantId: str(done.json, "messages", 1, "id") }
  }

  it.effect(...withApp("an edited question is answered again, with the answer's token usage", async (app) => {
    const { sessionId, done } = await answered(app)
    app.fakeLlm.enqueue(textReply("Still in stripes.ts", { usage: { prompt_tokens: 14, completion_tokens: 5, total_tokens: 19 } }))
    const userId = str(done.json, "messages", 0, "id")
    expect((await call(app.url, "POST", `/api/sessions/${sessionId}/messages/${userId}/edit`, { content: "and now?" })).status).toBe(202)
    const edited = await waitIdle(app, sessionId)
    expect(str(edited.json, "messages", 0, "content")).toBe("and now?")
    expect(str(edited.json, "messages", 1, "content")).toBe("Still in stripes.ts")
    expect(num(edited.json, "messages", 1, "tokens_used")).toBe(19)
  }))

  it.effect(...withApp("the log reads as JSON and NDJSON, and the state at an earlier version", async (app) => {
    const { sessionId, version } = await answered(app)
    const events = await call(app.url, "GET", `/api/sessions/${sessionId}/events?after=1`)
    expect(Array.isArray(events.json)).toBe(true)
    expect(num(events.json, 0, "version")).toBe(2)
    const ndjson = await call(app.url, "GET", `/api/sessions/${sessionId}/events`, undefined, { accept: "application/x-ndjson" })
    expect(ndjson.headers.get("content-type")).toContain("application/x-ndjson")
    expect(ndjson.text.trim().split("\n").length).toBe(version)
    const early = await call(app.url, "GET", `/api/sessions/${sessionId}/state?version=1`)
    expect(num(early.json, "version")).toBe(1)
    expect(at(early.json, "messages")).toEqual([])
  }))

  it.effect(...withApp("a session exports as Markdown and JSON, and search finds it with plain-text highlights", async (app) => {
    // a word no other test uses: the app (and its search) is shared by the tests of this file
    const { sessionId, version } = await answered(app, "The okapi lives in forest.ts")
    const md = await call(app.url, "GET", `/api/sessions/${sessionId}/export?format=markdown`)
    expect(md.headers.get("content-type")).toContain("text/markdown")
    expect(md.text).toContain("The okapi lives in forest.ts")
    const json = await call(app.url, "GET", `/api/sessions/${sessionId}/export?format=json`)
    expect(num(json.json, "version")).toBe(version)
    const search = await call(app.url, "GET", "/api/search?q=okapi")
    expect(str(search.json, 0, "session_id")).toBe(sessionId)
    // The snippet is plain text; the matches are ranges of it.
    const snippet = str(search.json, 0, "snippet")
    const ranges = at(search.json, 0, "highlights") as Array<{ start: number; end: number }>
    expect(ranges.map((r) => snippet.slice(r.start, r.end))).toEqual(["okapi"])
  }))

  it.effect(...withApp("a fork copies the conversation up to a message; deleting from an answer removes it", async (app) => {
    const { sessionId, assistantId } = await answered(app)
    const fork = await call(app.url, "POST", `/api/sessions/${sessionId}/fork`, { message_id: assistantId })
    expect(fork.status).toBe(201)
    const forkId = str(fork.json, "session", "id")
    expect(forkId).not.toBe(sessionId)
    const forked = await call(app.url, "GET", `/api/sessions/${forkId}`)
    expect(str(forked.json, "messages", 1, "content")).toBe("The zebra lives in stripes.ts")
    expect(str(forked.json, "messages", 1, "id")).toBe(assistantId)
    const deleted = await call(app.url, "DELETE", `/api/sessions/${sessionId}/messages/${assistantId}`)
    expect(deleted.status).toBe(200)
    expect(at((await call(app.url, "GET", `/api/sessions/${sessionId}`)).json, "messages", 1)).toBeUndefined()
  }))

  it.effect(...withApp("the model list is the server's", async (app) => {
    app.fakeLlm.setModels(["m-one", "m-two"])
    const models = await call(app.url, "GET", "/api/models")
    expect(str(models.json, 0, "id")).toBe("m-one")
    expect(str(models.json, 1, "id")).toBe("m-two")
  }))

  it.effect(...withApp("the OpenAPI document names the endpoints and the docs page is served", async (app) => {
    const spec = await call(app.url, "GET", "/api/openapi.json")
    const paths = Object.keys(Object(at(spec.json, "paths")))
    for (const p of ["/api/projects", "/api/sessions/{id}/messages", "/api/sessions/{id}/events", "/api/search", "/api/models"])
      expect(paths).toContain(p)
    const docs = await call(app.url, "GET", "/api/docs")
    expect(docs.status).toBe(200)
    expect(docs.text).toContain("openapi")
  }))

  it.effect(...withApp("a client route gets the app page with the security headers", async (app) => {
    const index = await call(app.url, "GET", "/some/client/route")
    expect(index.text).toContain("npm run build:web")
    const csp = index.headers.get("content-security-policy") ?? ""
    for (const d of ["default-src 'self'", "img-src 'self' data:", "object-src 'none'", "frame-ancestors 'none'", `ws://${app.host}`])
      expect(csp).toContain(d)
    expect(index.headers.get("x-content-type-options")).toBe("nosniff")
    expect(index.headers.get("access-control-allow-origin")).toBeNull()
  }))
})
