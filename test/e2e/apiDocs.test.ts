import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { textReply } from "../support/fakeLlm/index.ts"
import { startApp, stopApp, type E2eApp } from "./app.ts"
import { ensureWebBuilt, launchBrowser, screenshot, type TestBrowser, watchOutsideRequests } from "./browser.ts"
import { watchCsp } from "./cspWatch.ts"
import { addProject, ask, lastAssistant, newSession } from "./pageSteps.ts"

let app: E2eApp
let tb: TestBrowser
let projectDir: string

beforeAll(async () => {
  ensureWebBuilt()
  projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "boocode-e2e-csp-"))
  fs.writeFileSync(path.join(projectDir, "README.md"), "# Demo\n")
  app = await startApp()
  tb = await launchBrowser()
}, 120_000)

afterAll(async () => {
  await tb?.close()
  await stopApp(app)
  if (projectDir) fs.rmSync(projectDir, { recursive: true, force: true })
})

const ORDINARY = [
  "Here is **the answer**, with `inline code` and a [link](https://example.org/docs).",
  "| file | lines |\n|:---|---:|\n| src/main.ts | 1 |",
  "```ts\nexport const answer: number = 42 // the answer\n```",
  "```\nfunction guess() { return \"auto-detected\" }\n```",
  "```diff\n- old\n+ new\n```",
  "1. one\n2. two\n\n> quoted\n\n- [x] done\n- [ ] not yet"
].join("\n\n")

const HOSTILE = [
  "Hostile reply <script>window.__pwned = 'script'</script>",
  '<img src="x" onerror="window.__pwned = \'onerror\'">',
  "![tracker](https://evil.example.com/pixel.png)",
  '<a href="javascript:window.__pwned=\'href\'">click me</a>',
  '<iframe src="https://evil.example.com/frame"></iframe><style>body{display:none}</style>',
  '<div style="background:url(https://evil.example.com/bg.png)">styled</div>',
  '<p style="color:red" onclick="window.__pwned = \'click\'">red <span style="font-size:40px">big</span></p>',
  '<svg><image href="https://evil.example.com/svg.png"/><style>*{color:red}</style></svg>',
  '<math><mi style="color:red">x</mi></math><table style="width:100%"><tr><td style="x">cell</td></tr></table>',
  "END"
].join("\n\n")

describe("pages raise no CSP refusal (real Chromium, real app)", () => {
  it("/api/docs renders the API from /api/openapi.json with every byte from the app", async () => {
    const page = await tb.context.newPage()
    const violations = await watchCsp(page)
    const outside = watchOutsideRequests(page, app.url)
    const errors: Array<string> = []
    page.on("pageerror", (e) => errors.push(String(e)))
    const requests: Array<string> = []
    page.on("request", (r) => requests.push(new URL(r.url()).pathname))
    await page.goto(`${app.url}/api/docs`)
    await page.locator(".opblock-summary-path[data-path='/api/health']").waitFor({ timeout: 40_000 })
    await page.locator(".opblock-summary-path[data-path='/api/projects']").first().waitFor()
    await page.waitForLoadState("networkidle")
    await screenshot(page, "api-docs-desktop-light")
    // Opening an operation renders its schemas and highlighted examples; trying it calls the API.
    await page.locator(".opblock-post").first().locator(".opblock-summary").click()
    await page.locator(".opblock-post.is-open .opblock-body").first().waitFor()
    await page.locator(".opblock-summary-path[data-path='/api/health']").click()
    const health = page.locator(".opblock.is-open", { has: page.locator("[data-path='/api/health']") })
    await health.locator(".try-out__btn").click()
    await health.locator(".execute").click()
    await health.locator(".live-responses-table .response-col_status", { hasText: "200" }).waitFor({ timeout: 10_000 })
    expect(requests).toContain("/api/openapi.json")
    expect(outside).toEqual([])
    expect(await violations()).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  }, 120_000)

  it("/api/docs keeps the app's strict CSP: nothing inline, no WebAssembly, no eval", async () => {
    const docs = await fetch(`${app.url}/api/docs`)
    const home = (await fetch(`${app.url}/`)).headers.get("content-security-policy")
    const csp = docs.headers.get("content-security-policy") ?? ""
    expect(csp).toBe(home)
    expect(csp).toContain("default-src 'self'")
    expect(csp).not.toMatch(/unsafe|wasm|https?:/)
    const html = await docs.text()
    expect(html.length).toBeLessThan(2000)
    expect(html).not.toMatch(/<script>|<style|style=/)
  })

  const streamReply = async (page: Page, reply: string, prompt: string, nth: number) => {
    app.fakeLlm.enqueue(textReply(reply, { chunkChars: 9, delayMs: 5 }))
    await ask(page, prompt)
    await page.locator("article.msg-assistant[data-status=complete]").nth(nth).waitFor({ timeout: 15_000 })
    await lastAssistant(page).locator(".bubble", { hasText: "END" }).waitFor()
  }

  it("the chat page streams an ordinary and a hostile reply without one CSP refusal", async () => {
    const page = await tb.context.newPage()
    const violations = await watchCsp(page)
    const outside = watchOutsideRequests(page, app.url)
    await page.goto(app.url)
    await page.locator("#conn[data-state=open]").waitFor({ timeout: 10_000 })
    // Without a token there is nothing to log out of.
    await expect(page.locator("#logout-link").isHidden()).resolves.toBe(true)
    await addProject(page, projectDir)
    await newSession(page, projectDir)

    await streamReply(page, `${ORDINARY}\n\nEND`, "Answer nicely", 0)
    const ordinary = lastAssistant(page)
    expect(await ordinary.locator("table td").count()).toBe(2)
    expect(await ordinary.locator(".hljs-keyword").count()).toBeGreaterThan(0)
    expect(await violations()).toEqual([])

    await streamReply(page, HOSTILE, "Be hostile", 1)
    const hostile = lastAssistant(page)
    expect(await hostile.locator("[style], style, script, iframe, [onclick], [onerror]").count()).toBe(0)
    expect(await hostile.locator(".bubble", { hasText: "styled" }).count()).toBe(1)
    expect(await hostile.locator("td", { hasText: "cell" }).count()).toBe(1)
    expect(await page.evaluate(() => Reflect.get(window, "__pwned"))).toBeUndefined()

    // The same replies again after a reload: rendered from the log rather than the stream.
    await page.reload()
    await page.locator("article.msg-assistant[data-status=complete]").nth(1).waitFor({ timeout: 10_000 })
    expect(await violations()).toEqual([])
    expect(outside).toEqual([])
    await page.close()
  }, 120_000)
})
