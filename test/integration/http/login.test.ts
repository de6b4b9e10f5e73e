import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { type TestApp, TestAppServer, testAppLayer } from "../../support/testApp.ts"
import { at, call } from "./client.ts"
import { upgradeStatus } from "./wsClient.ts"

const TOKEN = "person-token-123"

const withApp = (name: string, f: (app: TestApp) => Promise<void>) =>
  [name, () => Effect.flatMap(TestAppServer, (app) => Effect.promise(() => f(app)))] as const

const get = (app: TestApp, path: string, headers: Record<string, string> = {}) =>
  fetch(`${app.url}${path}`, { redirect: "manual", headers })

const postForm = (app: TestApp, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${app.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString()
  })

/** The session cookie a successful login sets: its `name=value` and its attributes. */
const logIn = async (app: TestApp, next = "/") => {
  const res = await postForm(app, "/login", { token: TOKEN, next })
  expect(res.status).toBe(303)
  const setCookie = res.headers.get("set-cookie") ?? ""
  return { res, setCookie, cookie: setCookie.split(";")[0] }
}

layer(testAppLayer({ env: { BOOCODE_TOKEN: TOKEN } }), { excludeTestServices: true })("token mode for a person", (it) => {
  it.effect(...withApp("/api/health answers without a token, and says only whether the server is ok", async (app) => {
    const res = await call(app.url, "GET", "/api/health")
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ status: "ok" })
  }))

  it.effect(...withApp("pages without a login go to the login page; the API answers 401", async (app) => {
    const home = await get(app, "/")
    expect(home.status).toBe(303)
    expect(home.headers.get("location")).toBe("/login")
    const docs = await get(app, "/api/docs")
    expect(docs.status).toBe(303)
    expect(docs.headers.get("location")).toBe("/login?next=%2Fapi%2Fdocs")
    const api = await call(app.url, "GET", "/api/projects")
    expect(api.status).toBe(401)
    expect(at(api.json, "error", "code")).toBe("unauthorized")
    const page = await get(app, "/login")
    expect(page.status).toBe(200)
    expect(page.headers.get("referrer-policy")).toBe("same-origin")
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'")
    expect(await page.text()).toContain('<form method="post" action="/login">')
  }))

  it.effect(...withApp("a wrong token is refused with a message and no cookie", async (app) => {
    const res = await postForm(app, "/login", { token: "not-the-token", next: "/" })
    expect(res.status).toBe(401)
    expect(res.headers.get("set-cookie")).toBeNull()
    expect(await res.text()).toContain("That token is not right")
  }))

  it.effect(...withApp("the right token sets a signed session cookie, HttpOnly and SameSite=Strict, never the token", async (app) => {
    const { res, setCookie, cookie } = await logIn(app, "/api/docs")
    expect(res.headers.get("location")).toBe("/api/docs")
    const [name, value] = cookie.split("=")
    expect(name).toBe("boocode_session")
    expect(value).toMatch(/^v1\.\d+\.[\w-]+\.[\w-]{43}$/)
    expect(setCookie).not.toContain(TOKEN)
    expect(setCookie).not.toContain(Buffer.from(TOKEN).toString("base64url"))
    const attributes = setCookie.split(";").slice(1).map((a) => a.trim().toLowerCase())
    expect(attributes).toEqual(expect.arrayContaining(["httponly", "samesite=strict", "path=/", "max-age=604800"]))
    expect((await call(app.url, "GET", "/api/projects", undefined, { cookie })).status).toBe(200)
    expect((await get(app, "/", { cookie })).status).toBe(200)
    expect(await upgradeStatus(`${app.wsUrl}/api/ws/user`, { cookie, origin: app.url })).toBe(0)
    // Already logged in, the login page goes on to where it was asked to.
    expect((await get(app, "/login?next=%2Fapi%2Fdocs", { cookie })).headers.get("location")).toBe("/api/docs")
  }))

  it.effect(...withApp("a forged or altered session value is refused; the raw token is no cookie", async (app) => {
    const { cookie } = await logIn(app)
    const value = cookie.split("=")[1]
    const [v, expires, nonce, mac] = value.split(".")
    const later = `boocode_session=${v}.${Number(expires) + 3600}.${nonce}.${mac}`
    const flipped = `boocode_session=${v}.${expires}.${nonce}.${mac.slice(0, -2)}${mac.endsWith("AA") ? "BB" : "AA"}`
    for (const bad of [later, flipped, `boocode_session=${TOKEN}`, `boocode_token=${TOKEN}`])
      expect((await call(app.url, "GET", "/api/projects", undefined, { cookie: bad })).status).toBe(401)
  }))

  it.effect(...withApp("logging out ends the session: the old cookie is refused afterwards", async (app) => {
    const { cookie } = await logIn(app)
    const out = await postForm(app, "/logout", {}, { cookie, origin: app.url })
    expect(out.status).toBe(303)
    expect(out.headers.get("location")).toBe("/login?out=1")
    expect(out.headers.get("set-cookie")).toMatch(/^boocode_session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/i)
    expect((await call(app.url, "GET", "/api/projects", undefined, { cookie })).status).toBe(401)
    expect((await get(app, "/", { cookie })).headers.get("location")).toBe("/login")
    expect(await (await get(app, "/login?out=1")).text()).toContain("You are logged out")
  }))

  it.effect(...withApp("the login form is guarded: a foreign or null Origin gets 403, `next` never leaves the server", async (app) => {
    expect((await postForm(app, "/login", { token: TOKEN }, { origin: "null" })).status).toBe(403)
    expect((await postForm(app, "/login", { token: TOKEN }, { origin: "http://evil.example" })).status).toBe(403)
    for (const next of ["//evil.example/x", "https://evil.example", "/\\evil.example", "/login"])
      expect((await logIn(app, next)).res.headers.get("location")).toBe("/")
  }))

  it.effect(...withApp("API clients with Authorization: Bearer keep working, with no cookie", async (app) => {
    const res = await call(app.url, "GET", "/api/projects", undefined, { authorization: `Bearer ${TOKEN}` })
    expect(res.status).toBe(200)
    expect(res.headers.get("set-cookie")).toBeNull()
    expect((await call(app.url, "GET", "/api/projects", undefined, { authorization: "Bearer wrong" })).status).toBe(401)
  }))
})
