import { Effect, Exit, Scope } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { freePort } from "../../src/infra/net/freePort.ts"
import { delta, done, llamaSwapLoading, textReply } from "../support/fakeLlm/index.ts"
import { acquireTestApp, type TestApp } from "../support/testApp.ts"
import { startApp, type E2eApp } from "./app.ts"
import { ensureWebBuilt, launchBrowser, screenshot, type TestBrowser } from "./browser.ts"

let app: E2eApp
let tb: TestBrowser
let projectDir: string

const webDir = path.resolve(import.meta.dirname, "../../dist/web")

/** The app with LLM_BASE_URL on a loopback port nobody listens on. */
const startAppWithoutLlm = async (): Promise<{ readonly app: TestApp; close(): Promise<void> }> => {
  const scope = Effect.runSync(Scope.make())
  const down = await Effect.runPromise(
    Scope.extend(
      Effect.flatMap(freePort, (port) =>
        acquireTestApp({ env: { BOOCODE_WEB_DIR: webDir, LLM_BASE_URL: `http://127.0.0.1:${port}` } })
      ),
      scope
    )
  )
  return { app: down, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}

const problems: Array<string> = []

const open = async (url: string): Promise<Page> => {
  const page = await tb.context.newPage()
  page.on("pageerror", (e) => problems.push(`pageerror: ${String(e)}`))
  await page.goto(`${url}/`)
  await page.locator("#conn[data-state=open]").waitFor({ timeout: 10_000 })
  return page
}

const llmLabel = async (page: Page) => ((await page.locator("#llm .llm-label").textContent()) ?? "").trim()

beforeAll(async () => {
  ensureWebBuilt()
  projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "boocode-e2e-llm-"))
  fs.writeFileSync(path.join(projectDir, "README.md"), "# Demo\n")
  app = await startApp()
  tb = await launchBrowser()
}, 120_000)

afterAll(async () => {
  await tb?.close()
  await app?.close()
  if (projectDir) fs.rmSync(projectDir, { recursive: true, force: true })
})

describe("the LLM badge in the top bar (real Chromium, real app, fake LLM)", () => {
  it("shows the loaded model before anything is sent, and 'Loading model…' (never in the answer) while llama-swap loads", async () => {
    app.fakeLlm.setModels([{ id: "qwen-coder", owned_by: "llama-swap" }, { id: "gemma", owned_by: "llama-swap" }])
    app.fakeLlm.setRoute("/running", { status: 200, body: { running: [{ model: "qwen-coder", state: "ready" }] } })
    const page = await open(app.url)
    const badge = page.locator("#llm")
    await page.locator("#llm[data-state=up]").waitFor()
    expect(await llmLabel(page)).toBe("qwen-coder")
    expect(await badge.getAttribute("title")).toBe(
      `LLM server: ${app.fakeLlm.url}\nLoaded: qwen-coder\nModels: qwen-coder, gemma`
    )
    await screenshot(page, "llm-status-up")

    await page.fill("#project-path", projectDir)
    await page.press("#project-path", "Enter")
    await page.locator(".project", { has: page.locator(`.project-name[title="${projectDir}"]`) }).locator("[data-new-session]").click()
    await page.locator("#composer:not([hidden])").waitFor()
    await page.locator("#toasts > *").first().waitFor({ state: "detached", timeout: 5_000 }) // "Added …" off the screenshot
    // nothing loaded now: the answer waits while llama-swap loads the model (its progress comes first)
    app.fakeLlm.setRoute("/running", { status: 200, body: { running: [] } })
    const loaded = llamaSwapLoading("qwen-coder", textReply("The model is here."))
    const [progress, rest] = [loaded.steps.slice(0, 14), loaded.steps.slice(14)]
    app.fakeLlm.enqueue({ ...loaded, steps: [...progress, { delayMs: 6_000 }, ...rest] })
    await page.fill("#input", "Are you there?")
    await page.press("#input", "Enter")

    const answer = page.locator("article.msg-assistant").last()
    await answer.locator(".bubble .thinking[data-llm=loading]", { hasText: /^Loading model$/ }).waitFor({ timeout: 8_000 })
    await page.locator("#llm[data-state=loading]").waitFor()
    expect(await llmLabel(page)).toBe("Loading model…")
    await screenshot(page, "llm-status-loading")

    app.fakeLlm.setRoute("/running", { status: 200, body: { running: [{ model: "qwen-coder", state: "ready" }] } })
    await page.locator("article.msg-assistant[data-status=complete]").last().waitFor({ timeout: 15_000 })
    expect(((await answer.locator(".bubble").textContent()) ?? "").trim()).toBe("The model is here.")
    expect(await answer.locator(".reasoning").isHidden()).toBe(true)
    await page.locator("#llm[data-state=up]").waitFor({ timeout: 5_000 })
    expect(await llmLabel(page)).toBe("qwen-coder")

    // on a phone the badge keeps to the title's line (its dot only while all is well)
    const phone = await tb.context.newPage()
    await phone.setViewportSize({ width: 360, height: 740 })
    await phone.goto(page.url())
    await phone.locator("#llm[data-state=up]").waitFor()
    await phone.locator("article.msg-assistant[data-status=complete]").waitFor()
    const [title, dot] = [await phone.locator("#title").boundingBox(), await phone.locator("#llm").boundingBox()]
    expect(title !== null && dot !== null && Math.abs(title.y + title.height / 2 - (dot.y + dot.height / 2))).toBeLessThan(4)
    expect(await phone.locator("#llm .llm-label").isHidden()).toBe(true)
    await screenshot(phone, "llm-status-up-360")
    await phone.close()

    // an answer that fails makes the badge ask again at once, not at its next 30 s round
    app.fakeLlm.enqueue({
      steps: [delta({ content: "Half an answer" }), { delayMs: 4_000 }, { chunk: { error: { code: 500, message: "CUDA error" } } }, done]
    })
    await page.fill("#input", "And now?")
    await page.press("#input", "Enter")
    await answer.locator(".bubble", { hasText: "Half an answer" }).waitFor()
    // the badge asks once when the first word comes (within its 1 s tick); only then does the server break
    await page.waitForTimeout(1_200)
    app.fakeLlm.setRoute("/v1/models", { status: 500, body: { error: { message: "CUDA error: out of memory" } } })
    await page.locator("article.msg-assistant[data-status=failed]").last().waitFor({ timeout: 5_000 })
    await page.locator("#llm[data-state=down]").waitFor({ timeout: 3_000 })
    expect(await badge.getAttribute("title")).toBe(`${app.fakeLlm.url} answered HTTP 500: CUDA error: out of memory`)
    await page.close()
  }, 60_000)

  it("says the LLM is down, with the error as its title, before anything is sent", async () => {
    const down = await startAppWithoutLlm()
    try {
      for (const scheme of ["light", "dark"] as const) {
        const page = await open(down.app.url)
        await page.emulateMedia({ colorScheme: scheme })
        await page.locator("#llm[data-state=down]").waitFor()
        expect(await llmLabel(page)).toBe("LLM down")
        expect(await page.locator("#llm").getAttribute("title")).toMatch(
          /^could not connect to http:\/\/127\.0\.0\.1:\d+: connection refused — is the LLM server running\?$/
        )
        await screenshot(page, `llm-status-down-${scheme}`)
        await page.close()
      }
      await tb.context.newPage().then(async (page) => {
        await page.setViewportSize({ width: 360, height: 740 })
        await page.goto(`${down.app.url}/`)
        await page.locator("#llm[data-state=down]").waitFor()
        await screenshot(page, "llm-status-down-360")
        await page.close()
      })
    } finally {
      await down.close()
    }
    expect(problems).toEqual([])
  }, 60_000)
})
