import { Effect, Exit, Scope } from "effect"
import * as path from "node:path"
import type { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { acquireTestApp, type TestApp } from "../support/testApp.ts"
import { ensureWebBuilt, launchBrowser, screenshot, type TestBrowser, watchOutsideRequests } from "./browser.ts"
import { watchCsp } from "./cspWatch.ts"

const TOKEN = "e2e-person-token-7f3a"
const webDir = path.resolve(import.meta.dirname, "../../dist/web")

let scope: Scope.CloseableScope
let app: TestApp
let tb: TestBrowser

beforeAll(async () => {
  ensureWebBuilt()
  scope = Effect.runSync(Scope.make())
  app = await Effect.runPromise(
    Scope.extend(acquireTestApp({ env: { BOOCODE_WEB_DIR: webDir, BOOCODE_TOKEN: TOKEN } }), scope)
  )
  tb = await launchBrowser()
}, 120_000)

afterAll(async () => {
  await tb?.close()
  if (scope !== undefined) await Effect.runPromise(Scope.close(scope, Exit.void))
})

const logIn = async (page: Page, token: string) => {
  await page.fill("#token", token)
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")])
}

describe("token mode in a browser (real Chromium, real app)", () => {
  it("sends a person to the login page, refuses a wrong token, lets the right one in, and logs out", async () => {
    const page = await tb.context.newPage()
    const violations = await watchCsp(page)
    const outside = watchOutsideRequests(page, app.url)
    const forbidden: Array<string> = []
    page.on("response", (r) => {
      if (r.status() === 403) forbidden.push(`${r.request().method()} ${r.url()}`)
    })

    await page.goto(app.url)
    expect(new URL(page.url()).pathname).toBe("/login")
    await page.locator("#token").waitFor()
    await screenshot(page, "login-desktop-light")

    await logIn(page, "not-the-token")
    expect(new URL(page.url()).pathname).toBe("/login")
    await expect(page.locator(".error").textContent()).resolves.toContain("That token is not right")
    expect(await tb.context.cookies()).toEqual([])

    await logIn(page, TOKEN)
    expect(new URL(page.url()).pathname).toBe("/")
    await page.locator("#conn[data-state=open]").waitFor({ timeout: 15_000 })
    const cookies = await tb.context.cookies()
    expect(cookies.map((c) => c.name)).toEqual(["boocode_session"])
    const [session] = cookies
    expect(session.httpOnly).toBe(true)
    expect(session.sameSite).toBe("Strict")
    expect(session.path).toBe("/")
    expect(session.value).not.toContain(TOKEN)
    expect(await page.evaluate(() => document.cookie)).toBe("")

    // The docs page is a page too: reachable once logged in.
    await page.goto(`${app.url}/api/docs`)
    await page.locator(".opblock-summary-path[data-path='/api/health']").waitFor({ timeout: 40_000 })

    await page.goto(app.url)
    await page.locator("#conn[data-state=open]").waitFor({ timeout: 15_000 })
    await Promise.all([page.waitForNavigation(), page.click("#logout-link")])
    expect(new URL(page.url()).pathname).toBe("/logout")
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")])
    expect(new URL(page.url()).pathname).toBe("/login")
    await expect(page.locator(".notice").textContent()).resolves.toContain("You are logged out")
    expect(await tb.context.cookies()).toEqual([])
    await page.goto(app.url)
    expect(new URL(page.url()).pathname).toBe("/login")

    expect(forbidden).toEqual([])
    expect(await violations()).toEqual([])
    expect(outside).toEqual([])
    await page.close()
  }, 120_000)

  it("comes back to the page asked for after logging in", async () => {
    const page = await tb.context.newPage()
    await page.goto(`${app.url}/api/docs`)
    expect(new URL(page.url()).pathname).toBe("/login")
    await logIn(page, TOKEN)
    expect(new URL(page.url()).pathname).toBe("/api/docs")
    await page.close()
  }, 60_000)
})
