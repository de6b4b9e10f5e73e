import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as http from "node:http"
import { type TestApp, TestAppServer, testAppLayer } from "../../support/testApp.ts"
import { at, call } from "./client.ts"
import { open, upgradeStatus } from "./wsClient.ts"

const TOKEN = "s3cret-token"
const auth = { authorization: `Bearer ${TOKEN}` }

/** fetch cannot set Host: a raw node:http GET can. */
const getWithHost = (app: TestApp, path: string, host: string) =>
  new Promise<{ status: number; body: string; csp: string }>((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port: app.port, path, headers: { ...auth, host } }, (res) => {
      let body = ""
      res.on("data", (c: Buffer) => (body += c.toString()))
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, csp: String(res.headers["content-security-policy"]) }))
    })
    req.on("error", reject)
  })

const withApp = (name: string, f: (app: TestApp) => Promise<void>) =>
  [name, () => Effect.flatMap(TestAppServer, (app) => Effect.promise(() => f(app)))] as const

layer(testAppLayer({ env: { BOOCODE_TOKEN: TOKEN, BOOCODE_WS_FRAME_LIMIT: "1024", BOOCODE_WS_MAX_PER_USER: "3" } }), {
  excludeTestServices: true
})("a locked-down server", (it) => {
  it.effect(...withApp("Host allowlist: 403 on HTTP and on WebSocket upgrades, before any handler", async (app) => {
    const evil = { ...auth, host: `evil.example:${app.port}` }
    const answer = await getWithHost(app, "/api/health", evil.host)
    expect(answer.status).toBe(403)
    expect(at(JSON.parse(answer.body), "error", "code")).toBe("forbidden_host")
    expect(answer.csp).toContain("default-src 'self'")
    expect((await getWithHost(app, "/", `127.0.0.1.evil.example:${app.port}`)).status).toBe(403)
    expect(await upgradeStatus(`${app.wsUrl}/api/ws/user`, evil)).toBe(403)
    expect((await getWithHost(app, "/api/health", `localhost:${app.port}`)).status).toBe(200)
  }))

  it.effect(...withApp("Origin: a foreign site gets 403, the app's own origin and no origin pass", async (app) => {
    const foreign = { ...auth, origin: "http://evil.example" }
    expect((await call(app.url, "POST", "/api/projects", { path: "/tmp" }, foreign)).status).toBe(403)
    expect(await upgradeStatus(`${app.wsUrl}/api/ws/user`, foreign)).toBe(403)
    expect(await upgradeStatus(`${app.wsUrl}/api/ws/user`, { ...auth, origin: app.url })).toBe(0)
  }))

  it.effect(...withApp("token: 401 without it, bearer or login cookie with it", async (app) => {
    expect((await call(app.url, "GET", "/api/projects")).status).toBe(401)
    expect((await call(app.url, "GET", "/api/projects", undefined, { authorization: "Bearer wrong" })).status).toBe(401)
    expect((await call(app.url, "GET", "/api/projects", undefined, auth)).status).toBe(200)
    expect(await upgradeStatus(`${app.wsUrl}/api/ws/user`)).toBe(401)
    const login = await fetch(`${app.url}/login`, {
      method: "POST", redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" }, body: `token=${TOKEN}`
    })
    expect(login.status).toBe(303)
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]
    expect(login.headers.get("set-cookie")).toContain("HttpOnly")
    expect((await call(app.url, "GET", "/api/projects", undefined, { cookie })).status).toBe(200)
    expect((await call(app.url, "GET", "/login")).text).toContain("<form")
  }))

  it.effect(...withApp("WebSocket: bad JSON gets a bad_frame error, an oversize frame 1009, the socket limit answers 429", async (app) => {
    const url = `${app.wsUrl}/api/ws/user`
    const a = await open(url, auth)
    a.ws.send("{nope")
    expect(at(await a.waitFor((f) => at(f, "type") === "error"), "code")).toBe("bad_frame")
    a.ws.close()
    expect(await a.closed).toBe(1005)
    const b = await open(url, auth)
    b.ws.send(JSON.stringify({ type: "ping", pad: "x".repeat(4096) }))
    expect(await b.closed).toBe(1009)
    const held = [await open(url, auth), await open(url, auth), await open(url, auth)]
    expect(await upgradeStatus(url, auth)).toBe(429)
    const c = held[0]
    c.ws.send(JSON.stringify({ type: "ping" }))
    expect(await c.waitFor((f) => at(f, "type") === "pong")).toBeTruthy()
    for (const s of held) s.ws.close()
    await Promise.all(held.map((s) => s.closed))
  }))
})
