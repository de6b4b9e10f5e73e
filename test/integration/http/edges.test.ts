import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { type TestApp, TestAppServer, testAppLayer } from "../../support/testApp.ts"
import { type Answer, at, call, str } from "./client.ts"
import { newSession } from "./fixtures.ts"
import { postInChunks, writeUntilClosed } from "./rawHttp.ts"
import { upgradeStatus } from "./wsClient.ts"

const withApp = (name: string, f: (app: TestApp) => Promise<void>) =>
  [name, () => Effect.flatMap(TestAppServer, (app) => Effect.promise(() => f(app)))] as const

const LIMIT = 64 * 1024
const UNSTORABLE = { NUL: "a\u0000b", "lone high surrogate": "a\ud800b", "lone low surrogate": "a\udc00b" }
const unstorable = (field: string) =>
  `${field}: holds a NUL character or an unpaired UTF-16 surrogate, which cannot be stored; remove it`

const expectError = (answer: { status: number; json: unknown }, status: number, code: string, message?: string) => {
  expect(`${answer.status} ${at(answer.json, "error", "code")}`).toBe(`${status} ${code}`)
  if (message !== undefined) expect(at(answer.json, "error", "message")).toBe(message)
}

const tempDir = () => fs.mkdtemp(path.join(os.tmpdir(), "bc-edges-"))

layer(testAppLayer({ env: { BOOCODE_BODY_LIMIT: String(LIMIT) } }), { excludeTestServices: true })("HTTP edges", (it) => {
  it.effect(...withApp("a NUL or an unpaired surrogate in any request string is a 400 naming the field, on POST and PATCH", async (app) => {
    const { projectId, sessionId } = await newSession(app, { name: "Kept" })
    const dir = await tempDir()
    const messageId = crypto.randomUUID()
    const cases: ReadonlyArray<readonly [string, string, string, (bad: string) => Record<string, unknown>]> = [
      ["POST", "/api/projects", "path", (bad) => ({ path: `${dir}/${bad}` })],
      ["POST", "/api/projects", "name", (bad) => ({ path: dir, name: bad })],
      ["POST", `/api/projects/${projectId}/sessions`, "name", (bad) => ({ name: bad })],
      ["POST", `/api/projects/${projectId}/sessions`, "model", (bad) => ({ model: bad })],
      ["POST", `/api/projects/${projectId}/sessions`, "system_prompt", (bad) => ({ system_prompt: bad })],
      ["PATCH", `/api/sessions/${sessionId}`, "name", (bad) => ({ name: bad })],
      ["PATCH", `/api/sessions/${sessionId}`, "model", (bad) => ({ model: bad })],
      ["PATCH", `/api/sessions/${sessionId}`, "system_prompt", (bad) => ({ system_prompt: bad })],
      ["POST", `/api/sessions/${sessionId}/messages`, "content", (bad) => ({ content: bad })],
      ["POST", `/api/sessions/${sessionId}/messages`, "client_request_id", (bad) => ({ content: "hi", client_request_id: bad })],
      ["POST", `/api/sessions/${sessionId}/messages/${messageId}/edit`, "content", (bad) => ({ content: bad })]
    ]
    for (const [method, route, field, body] of cases)
      for (const [what, bad] of Object.entries(UNSTORABLE)) {
        const answer = await call(app.url, method, route, body(bad))
        expect(`${method} ${route} ${field} with a ${what}: ${answer.status} ${answer.text}`).toBe(
          `${method} ${route} ${field} with a ${what}: 400 ${JSON.stringify({ error: { code: "bad_request", message: unstorable(field) } })}`
        )
      }
    const nested = await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "hi", meta: { tags: ["ok", "x\ud800"] } })
    expectError(nested, 400, "bad_request", unstorable("meta.tags.1"))

    // Nothing of it was stored; a well-formed pair (an emoji) is welcome.
    expect(JSON.stringify((await call(app.url, "GET", "/api/projects")).json)).not.toContain(dir)
    const detail = await call(app.url, "GET", `/api/sessions/${sessionId}`)
    expect(at(detail.json, "messages")).toEqual([])
    expect(str(detail.json, "session", "name")).toBe("Kept")
    const emoji = await call(app.url, "PATCH", `/api/sessions/${sessionId}`, { name: "Crab \ud83e\udd80" })
    expect(`${emoji.status} ${str(emoji.json, "name")}`).toBe("200 Crab 🦀")
  }))

  it.effect(...withApp("query strings and path params with those bytes get a 400, never a 500", async (app) => {
    const { sessionId } = await newSession(app)
    expectError(await call(app.url, "GET", "/api/search?q=a%00b"), 400, "bad_request", unstorable("q"))
    // A lone surrogate cannot be spelled in UTF-8: its bytes decode to U+FFFD, which is searchable.
    expect((await call(app.url, "GET", "/api/search?q=%ED%A0%80")).status).toBe(200)
    for (const id of ["%00", "a%00b"]) {
      const answer: Answer = await call(app.url, "GET", `/api/sessions/${id}`)
      expectError(answer, 400, "bad_request")
      expect(str(answer.json, "error", "message")).toMatch(/^id: Expected a Universally Unique Identifier/)
      expect(await upgradeStatus(`${app.wsUrl}/api/ws/sessions/${id}`)).toBe(400)
    }
    // Bytes that are not UTF-8 in a path match no route.
    expectError(await call(app.url, "GET", "/api/sessions/%ED%A0%80"), 404, "not_found")
    expect(await upgradeStatus(`${app.wsUrl}/api/ws/sessions/%ED%A0%80`)).toBe(404)
    expectError(await call(app.url, "GET", `/api/sessions/${sessionId}/events?after=%00`), 400, "bad_request")
    expect(await upgradeStatus(`${app.wsUrl}/api/ws/sessions/${sessionId}?message_id=%00`)).toBe(400)
  }))

  it.effect(...withApp("a chunked body over the limit gets a 413 answer, not a connection reset; one within it is read", async (app) => {
    const over = await postInChunks(app, "/api/projects", { chunk: Buffer.alloc(16 * 1024, "x"), total: 4 * 1024 * 1024 })
    expect(`${over.status} ${over.body}`).toBe(
      `413 ${JSON.stringify({ error: { code: "payload_too_large", message: `The body is over the limit of ${LIMIT} bytes` } })}`
    )
    expect(over.sent).toBeLessThan(4 * 1024 * 1024)
    const notJson = await postInChunks(app, "/api/projects", {
      chunk: Buffer.alloc(16 * 1024, "x"), total: 4 * 1024 * 1024, headers: { "content-type": "text/plain" }
    })
    expect(`${notJson.status} ${at(JSON.parse(notJson.body), "error", "code")}`).toBe("415 unsupported_media_type")
    const dir = await tempDir()
    const body = Buffer.from(JSON.stringify({ path: dir, name: "chunked" }))
    const added = await postInChunks(app, "/api/projects", { chunk: body, total: body.length })
    expect(added.status).toBe(201)
    expect(str(JSON.parse(added.body), "name")).toBe("chunked")
    const unstorableChunked = Buffer.from(JSON.stringify({ path: dir, name: "x\u0000" }))
    const refused = await postInChunks(app, "/api/projects", { chunk: unstorableChunked, total: unstorableChunked.length })
    expect(`${refused.status} ${at(JSON.parse(refused.body), "error", "message")}`).toBe(`400 ${unstorable("name")}`)
  }))

  it.effect(...withApp("POST /login is held to the body limit: by Content-Length before reading, and while reading a chunked form", async (app) => {
    const form = { "content-type": "application/x-www-form-urlencoded" }
    const tooLarge = JSON.stringify({ error: { code: "payload_too_large", message: `The body is over the limit of ${LIMIT} bytes` } })
    const declared = await postInChunks(app, "/login", {
      chunk: Buffer.alloc(16 * 1024, "a"), total: 16 * 1024,
      headers: { ...form, "content-length": String(10 * 1024 * 1024) }
    })
    expect(`${declared.status} ${declared.body}`).toBe(`413 ${tooLarge}`)
    const chunked = await postInChunks(app, "/login", { chunk: Buffer.alloc(16 * 1024, "a"), total: 10 * 1024 * 1024, headers: form })
    expect(`${chunked.status} ${chunked.body}`).toBe(`413 ${tooLarge}`)
    expect(chunked.sent).toBeLessThan(10 * 1024 * 1024)
    // A form within the limit still logs in (no token is configured here, so any token does).
    const small = Buffer.from("token=abc")
    expect((await postInChunks(app, "/login", { chunk: small, total: small.length, headers: form })).status).toBe(303)
  }))

  it.effect(...withApp("a request refused before its body is read (wrong Origin) is answered, and its body is not read past the limit", async (app) => {
    const refused = await writeUntilClosed(app, "/api/projects", {
      chunk: Buffer.alloc(16 * 1024, "x"), declared: 64 * 1024 * 1024, headers: { origin: "http://evil.example" }
    })
    expect(refused.statusLine).toBe("HTTP/1.1 403 Forbidden")
    // what was written counts what the kernel buffered on loopback too (a few MB): far from the whole body
    expect(refused.sent).toBeLessThan(16 * 1024 * 1024)
  }))

  it.effect(...withApp("the filesystem root, a symlink to it, and kernel trees are refused as projects", async (app) => {
    const rootAnswer = await call(app.url, "POST", "/api/projects", { path: "/" })
    expectError(rootAnswer, 400, "project_path_refused")
    expect(str(rootAnswer.json, "error", "message")).toBe(
      `"/" is the filesystem root: the tools would read the whole machine; give the project's own folder`
    )
    const dir = await tempDir()
    const link = path.join(dir, "everything")
    await fs.symlink("/", link)
    const viaLink = await call(app.url, "POST", "/api/projects", { path: link })
    expectError(viaLink, 400, "project_path_refused")
    expect(str(viaLink.json, "error", "message")).toContain(`"${link}" (really "/") is the filesystem root`)
    expectError(await call(app.url, "POST", "/api/projects", { path: "/." }), 400, "project_path_refused")
    for (const tree of ["/proc", "/proc/self", "/sys", "/dev"]) {
      const answer = await call(app.url, "POST", "/api/projects", { path: tree })
      expectError(answer, 400, "project_path_refused")
      expect(str(answer.json, "error", "message")).toContain("kernel tree")
    }
    const projects = JSON.stringify((await call(app.url, "GET", "/api/projects")).json)
    expect(projects).not.toContain('"path":"/"')
    // A folder beside them is fine.
    expect((await call(app.url, "POST", "/api/projects", { path: dir })).status).toBe(201)
  }))
})
