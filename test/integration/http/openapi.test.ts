import SwaggerParser from "@apidevtools/swagger-parser"
import { expect, layer } from "@effect/vitest"
import { Ajv2020 } from "ajv/dist/2020.js"
import { Effect } from "effect"
import { slowReply, textReply } from "../../support/fakeLlm/index.ts"
import { type TestApp, TestAppServer, testAppLayer } from "../../support/testApp.ts"
import { type Answer, at, call, str } from "./client.ts"
import { newSession, waitIdle } from "./fixtures.ts"

const LIMIT = 64 * 1024
const TOKEN = "openapi-test-token"

const withApp = (name: string, f: (app: TestApp) => Promise<void>) =>
  [name, () => Effect.flatMap(TestAppServer, (app) => Effect.promise(() => f(app)))] as const

type Doc = { paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, unknown>>; security?: unknown }
type Operation = {
  responses: Record<string, { content?: Record<string, unknown>; headers?: Record<string, { schema: unknown }> }>
  security?: unknown
  parameters: Array<{ name: string; in: string; schema: Record<string, unknown> }>
}

const fetchDoc = async (app: TestApp, headers: Record<string, string> = {}): Promise<Doc> => {
  const answer = await call(app.url, "GET", "/api/openapi.json", undefined, headers)
  expect(answer.status).toBe(200)
  return JSON.parse(answer.text)
}

/** JSON pointer fragment of a path in the document. */
const pointer = (...segments: Array<string>) =>
  "#/" + segments.map((s) => encodeURIComponent(s.replaceAll("~", "~0").replaceAll("/", "~1"))).join("/")

/**
 * Checks a real answer against the document: its status is one the operation lists, its content
 * type one the status lists, and its body validates (Ajv, JSON Schema 2020-12) against that schema.
 */
const conformance = (doc: Doc) => {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true })
  ajv.addSchema({ $id: "doc", paths: doc.paths, components: doc.components })
  const conforms = (method: string, route: string, answer: Answer) => {
    const op = doc.paths[route]?.[method.toLowerCase()]
    expect(op, `${method} ${route} is in the document`).toBeDefined()
    const declared = op.responses[String(answer.status)]
    expect(declared, `${method} ${route} declares ${answer.status} (${answer.text.slice(0, 200)})`).toBeDefined()
    const contentType = (answer.headers.get("content-type") ?? "").split(";")[0].trim()
    if (declared.content === undefined) {
      expect(answer.text).toBe("")
      return
    }
    expect(Object.keys(declared.content), `${method} ${route} ${answer.status} content types`).toContain(contentType)
    const body = contentType === "application/json" ? JSON.parse(answer.text) : answer.text
    const validate = ajv.getSchema(`doc${pointer("paths", route, method.toLowerCase(), "responses", String(answer.status), "content", contentType, "schema")}`)
    if (validate === undefined) throw new Error(`no schema for ${method} ${route} ${answer.status} ${contentType}`)
    const ok = validate(body)
    expect(ok ? "valid" : JSON.stringify(validate.errors), `${method} ${route} ${answer.status}: ${answer.text.slice(0, 300)}`).toBe("valid")
    for (const [name, header] of Object.entries(declared.headers ?? {})) {
      const value = answer.headers.get(name)
      expect(value, `${method} ${route} sends ${name}`).not.toBeNull()
      expect(ajv.validate(header.schema as object, value), `${name}: ${value}`).toBe(true)
    }
  }
  /** Whether `value` is a `name` of the document's components. */
  const isA = (name: string, value: unknown) => ajv.getSchema(`doc${pointer("components", "schemas", name)}`)?.(value) === true
  return { conforms, isA }
}

const errorOf = (answer: Answer) => `${answer.status} ${at(answer.json, "error", "code")}: ${at(answer.json, "error", "message")}`

layer(testAppLayer({ env: { BOOCODE_BODY_LIMIT: String(LIMIT) } }), { excludeTestServices: true })("OpenAPI document", (it) => {
  it.effect(...withApp("is a valid OpenAPI 3.1 document", async (app) => {
    const doc = await fetchDoc(app)
    await SwaggerParser.validate(JSON.parse(JSON.stringify(doc))) // a copy: the parser dereferences in place
  }))

  it.effect(...withApp("names its schemas, types integers as integers, versions from package.json, lists only reachable statuses", async (app) => {
    const doc = await fetchDoc(app)
    const pkg = await import("../../../package.json", { with: { type: "json" } })
    expect(at(doc, "info", "version")).toBe(pkg.default.version)
    for (const name of ["Project", "Session", "Message", "SessionDetail", "SearchHit", "Highlight", "BadRequest", "NotFound", "Conflict", "ErrorBody"])
      expect(Object.keys(doc.components.schemas)).toContain(name)
    expect(at(doc, "paths", "/api/sessions/{id}", "get", "responses", "200", "content", "application/json", "schema")).toEqual({
      $ref: "#/components/schemas/SessionDetail"
    })
    const limit = doc.paths["/api/search"].get.parameters.find((p) => p.name === "limit")
    expect(limit?.schema.type).toBe("integer")
    expect(at(doc, "components", "schemas", "Session", "properties", "version")).toMatchObject({ $ref: "#/components/schemas/Int", minimum: 0 })
    expect(at(doc, "components", "schemas", "Int", "type")).toBe("integer")
    expect(at(doc, "components", "schemas", "Message", "properties", "tokens_used", "anyOf", 0)).toMatchObject({ $ref: "#/components/schemas/Int" })
    // An error schema is the wire's shape, with no _tag.
    expect(at(doc, "components", "schemas", "NotFound", "properties")).toEqual({ error: { $ref: "#/components/schemas/ErrorBody" } })
    expect(JSON.stringify(doc)).not.toContain("HttpApiDecodeError")
    // No GET can be refused for its body; a GET without parameters cannot be a 400.
    for (const [route, item] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(item)) {
        const statuses = Object.keys(op.responses)
        if (method === "get") expect(statuses, `${method} ${route}`).not.toContain("413")
        if (method === "get" && op.parameters.length === 0) expect(statuses, `${method} ${route}`).not.toContain("400")
        if (method !== "get") expect(statuses, `${method} ${route}`).toEqual(expect.arrayContaining(["400", "413", "415"]))
      }
    expect(Object.keys(doc.paths["/api/projects"].get.responses).sort()).toEqual(["200", "403", "503"])
    expect(at(doc, "security")).toEqual([])
    expect(at(doc, "components", "securitySchemes")).toEqual({})
  }))

  it.effect(...withApp("the whole flow answers as the document says, successes and errors", async (app) => {
    const { conforms, isA } = conformance(await fetchDoc(app))
    const check = async (method: string, route: string, path: string, body?: unknown, headers?: Record<string, string>) => {
      const answer = await call(app.url, method, path, body, headers)
      conforms(method, route, answer)
      return answer
    }
    app.fakeLlm.setModels(["m-one"])
    await check("GET", "/api/health", "/api/health")
    await check("GET", "/api/llm/status", "/api/llm/status")
    await check("GET", "/api/models", "/api/models")
    const { projectId, sessionId, dir } = await newSession(app, { name: "Zebra hunt" })
    await check("GET", "/api/projects", "/api/projects")
    await check("GET", "/api/projects/{id}/sessions", `/api/projects/${projectId}/sessions`)
    await check("POST", "/api/projects/{id}/sessions", `/api/projects/${projectId}/sessions`, { name: "Second" })
    await check("PATCH", "/api/sessions/{id}", `/api/sessions/${sessionId}`, {
      system_prompt: "Be brief.", generation: { temperature: 0.5, top_p: null, max_tokens: 64, extra: null }
    })

    app.fakeLlm.enqueue(textReply("The zebra <b>lives</b> in stripes.ts & <script>zebra()</script>"))
    const posted = await check("POST", "/api/sessions/{id}/messages", `/api/sessions/${sessionId}/messages`, { content: "find the zebra" }, {
      "content-type": "application/json", "idempotency-key": "k-1"
    })
    expect(posted.status).toBe(202)
    const done = await waitIdle(app, sessionId)
    conforms("GET", "/api/sessions/{id}", done)
    const assistantId = str(done.json, "messages", 1, "id")
    await check("GET", "/api/sessions/{id}/events", `/api/sessions/${sessionId}/events?after=1`)
    const ndjson = await check("GET", "/api/sessions/{id}/events", `/api/sessions/${sessionId}/events`, undefined, { accept: "application/x-ndjson" })
    const lines = ndjson.text.trim().split("\n")
    expect(lines.map((line) => isA("LoggedEvent", JSON.parse(line)))).toEqual(lines.map(() => true))
    await check("GET", "/api/sessions/{id}/state", `/api/sessions/${sessionId}/state?version=2`)
    const md = await check("GET", "/api/sessions/{id}/export", `/api/sessions/${sessionId}/export?format=markdown`)
    expect(`${md.headers.get("content-type")} ${md.headers.get("content-disposition")}`).toBe(
      `text/markdown; charset=utf-8 attachment; filename="Zebra-hunt.md"; filename*=UTF-8''Zebra%20hunt.md`
    )
    const json = await check("GET", "/api/sessions/{id}/export", `/api/sessions/${sessionId}/export?format=json`)
    expect(`${json.headers.get("content-type")} ${json.headers.get("content-disposition")}`).toBe(
      `application/json attachment; filename="Zebra-hunt.json"; filename*=UTF-8''Zebra%20hunt.json`
    )
    expect(str(json.json, "session", "id")).toBe(sessionId)

    // Search: plain text with ranges, user text kept as text.
    const search = await check("GET", "/api/search", "/api/search?q=zebra&limit=10")
    const hits = search.json as Array<{ message_id: string | null; snippet: string; highlights: Array<{ start: number; end: number }> }>
    const answerHit = hits.find((h) => h.message_id === assistantId)
    expect(answerHit?.snippet).toContain("zebra <b>lives</b> in stripes.ts & <script>zebra()</script")
    expect(answerHit?.highlights.map((r) => answerHit.snippet.slice(r.start, r.end))).toEqual(["zebra", "zebra"])
    const titleHit = hits.find((h) => h.message_id === null)
    expect(titleHit?.highlights.map((r) => titleHit.snippet.slice(r.start, r.end))).toEqual(["Zebra"])

    await check("POST", "/api/sessions/{id}/messages/{message_id}/regenerate", `/api/sessions/${sessionId}/messages/${assistantId}/regenerate`)
    const regenerated = await waitIdle(app, sessionId)
    const shownId = str(regenerated.json, "messages", 1, "id")
    await check("POST", "/api/sessions/{id}/messages/{message_id}/select", `/api/sessions/${sessionId}/messages/${shownId}/select`, { index: 0 })
    const fork = await check("POST", "/api/sessions/{id}/fork", `/api/sessions/${sessionId}/fork`, { message_id: assistantId })
    expect(fork.status).toBe(201)
    await check("POST", "/api/sessions/{id}/cancel", `/api/sessions/${sessionId}/cancel`)
    await check("DELETE", "/api/sessions/{id}/messages/{message_id}", `/api/sessions/${sessionId}/messages/${assistantId}`)

    // Errors, each as the document says.
    const missing = crypto.randomUUID()
    expect(errorOf(await check("GET", "/api/sessions/{id}", `/api/sessions/${missing}`))).toBe(
      `404 session_not_found: Session ${missing} does not exist or was deleted`
    )
    expect(errorOf(await check("GET", "/api/sessions/{id}", "/api/sessions/not-a-uuid"))).toMatch(/^400 bad_request: id: Expected a Universally Unique Identifier/)
    const post = (body: string, headers: Record<string, string> = { "content-type": "application/json" }) =>
      check("POST", "/api/sessions/{id}/messages", `/api/sessions/${sessionId}/messages`, body, headers)
    expect(errorOf(await post("{not json"))).toBe("400 malformed_json: The body is not valid JSON")
    expect(errorOf(await post(JSON.stringify({ content: 5 })))).toMatch(/^400 bad_request: content: Expected string, actual 5/)
    expect(errorOf(await post(JSON.stringify({ content: "hi", colour: "red" })))).toBe('400 bad_request: unknown field "colour"')
    expect(errorOf(await post("content=hi", { "content-type": "text/plain" }))).toBe("415 unsupported_media_type: The body must be application/json")
    expect(errorOf(await post(JSON.stringify({ content: "x".repeat(LIMIT) })))).toBe(`413 payload_too_large: The body is over the limit of ${LIMIT} bytes`)
    expect((await post(JSON.stringify({ content: "other" }), { "content-type": "application/json", "idempotency-key": "k-1" })).status).toBe(422)
    const typo = await check("PATCH", "/api/sessions/{id}", `/api/sessions/${sessionId}`, { nmae: "typo" })
    expect(errorOf(typo)).toBe('400 bad_request: unknown field "nmae"')
    const nested = await check("PATCH", "/api/sessions/{id}", `/api/sessions/${sessionId}`, {
      generation: { temperature: null, top_p: null, max_tokens: null, extra: null, topk: 4 }
    })
    expect(errorOf(nested)).toBe('400 bad_request: unknown field "generation.topk"')
    expect(str((await call(app.url, "GET", `/api/sessions/${sessionId}`)).json, "session", "name")).toBe("Zebra hunt")
    expect(errorOf(await check("GET", "/api/search", "/api/search?q=zebra&limit=many"))).toMatch(/^400 bad_request: limit: /)
    expect(errorOf(await check("POST", "/api/projects", "/api/projects", { path: dir }))).toMatch(/^409 project_path_taken: /)

    app.fakeLlm.enqueue(slowReply(200, 20))
    await post(JSON.stringify({ content: "go slowly" }))
    expect(errorOf(await post(JSON.stringify({ content: "more" })))).toMatch(/^409 session_busy: /)
    await check("POST", "/api/sessions/{id}/cancel", `/api/sessions/${sessionId}/cancel`)
    await waitIdle(app, sessionId)

    expect((await check("DELETE", "/api/sessions/{id}", `/api/sessions/${sessionId}`)).status).toBe(204)
    expect((await check("DELETE", "/api/projects/{id}", `/api/projects/${projectId}`)).status).toBe(204)
    expect(errorOf(await check("GET", "/api/projects/{id}/sessions", `/api/projects/${projectId}/sessions`))).toMatch(/^404 project_not_found: /)
  }))
})

layer(testAppLayer({ env: { BOOCODE_TOKEN: TOKEN } }), { excludeTestServices: true })("OpenAPI document with a token", (it) => {
  it.effect(...withApp("declares the bearer scheme, and a 401 that matches the wire", async (app) => {
    const doc = await fetchDoc(app, { authorization: `Bearer ${TOKEN}` })
    await SwaggerParser.validate(JSON.parse(JSON.stringify(doc))) // a copy: the parser dereferences in place
    expect(at(doc, "components", "securitySchemes", "bearer")).toMatchObject({ type: "http", scheme: "bearer" })
    expect(at(doc, "security")).toEqual([{ bearer: [] }])
    const { conforms } = conformance(doc)
    expect(doc.paths["/api/projects"].get.security).toBeUndefined()
    expect(doc.paths["/api/health"].get.security).toEqual([])
    expect(Object.keys(doc.paths["/api/health"].get.responses)).not.toContain("401")
    const health = await call(app.url, "GET", "/api/health")
    conforms("GET", "/api/health", health)
    expect(health.status).toBe(200)
    const refused = await call(app.url, "GET", "/api/projects")
    conforms("GET", "/api/projects", refused)
    expect(errorOf(refused)).toMatch(/^401 unauthorized: /)
    const allowed = await call(app.url, "GET", "/api/projects", undefined, { authorization: `Bearer ${TOKEN}` })
    conforms("GET", "/api/projects", allowed)
    expect(allowed.status).toBe(200)
  }))
})
