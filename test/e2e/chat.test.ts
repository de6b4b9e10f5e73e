import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { errorMidStream, reasoningReply, textReply, toolCallReply } from "../support/fakeLlm/index.ts"
import { startApp, stopApp, type E2eApp } from "./app.ts"
import { addProject, ask, lastAssistant, newSession } from "./pageSteps.ts"
import { ensureWebBuilt, launchBrowser, screenshot, type TestBrowser, watchOutsideRequests } from "./browser.ts"

let app: E2eApp
let tb: TestBrowser
let projectDir: string

const makeProjectDir = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "boocode-e2e-project-"))
  fs.mkdirSync(path.join(dir, "src"))
  fs.writeFileSync(path.join(dir, "README.md"), "# Demo\nA demo project.\n")
  fs.writeFileSync(path.join(dir, "src", "main.ts"), "export const answer = 42\n")
  return dir
}

/** CSP refusals and uncaught errors from every page: the last test expects none. */
const problems: Array<string> = []
const watchProblems = (page: Page, sink: Array<string> = problems) => {
  page.on("pageerror", (e) => sink.push(`pageerror: ${String(e)}`))
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) sink.push(`csp: ${m.text()}`)
  })
}

const open = async (hash = "", sink: Array<string> = problems): Promise<Page> => {
  const page = await tb.context.newPage()
  watchProblems(page, sink)
  await page.goto(`${app.url}/${hash}`)
  await page.locator("#conn[data-state=open]").waitFor({ timeout: 10_000 })
  return page
}

/** The rendered text of the last answer, without the Markdown's paragraph breaks at the ends. */
const answerText = async (page: Page) => ((await lastAssistant(page).locator(".bubble").textContent()) ?? "").trim()

const longText = (words: number) =>
  Array.from({ length: words }, (_, i) => (i % 17 === 5 ? "Grüße👻" : i % 11 === 3 ? "naïve" : `word${i}`)).join(" ")

beforeAll(async () => {
  ensureWebBuilt()
  projectDir = makeProjectDir()
  app = await startApp()
  tb = await launchBrowser()
}, 120_000)

afterAll(async () => {
  await tb?.close()
  await stopApp(app)
  if (projectDir) fs.rmSync(projectDir, { recursive: true, force: true })
})

describe("browser client (real Chromium, real app, fake LLM)", () => {
  it("adds a project (showing the server's refusal first), starts a session, streams an answer, opens a tool card", async () => {
    const page = await open()
    await page.fill("#project-path", "/definitely/not/here")
    await page.press("#project-path", "Enter")
    const error = page.locator("#project-error")
    await error.waitFor({ state: "visible" })
    expect((await error.textContent())?.length ?? 0).toBeGreaterThan(5)
    await screenshot(page, "add-project-refused")

    await addProject(page, projectDir)
    await expect(error.isVisible()).resolves.toBe(false)
    await newSession(page, projectDir)

    const final = "Here is **the answer**.\n\n```ts\nexport const answer = 42\n```\n\nDone."
    app.fakeLlm.enqueue(
      toolCallReply([{ id: "call_1", name: "list_dir", arguments: JSON.stringify({ path: "." }) }]),
      textReply(final, { delayMs: 25, chunkChars: 3, usage: { prompt_tokens: 120, completion_tokens: 30 }, timings: { predicted_per_second: 55.5 } })
    )
    await ask(page, "What is in this project?")
    await page.locator("article.msg-user .bubble", { hasText: "What is in this project?" }).waitFor()
    // Text arrives in pieces: we see it grow while the message streams.
    const seen = new Set<number>()
    const answer = lastAssistant(page)
    await answer.locator(".tool[data-tool=list_dir]").waitFor()
    const deadline = Date.now() + 15_000
    while (Date.now() < deadline) {
      const status = await answer.getAttribute("data-status")
      const text = await answer.locator(".bubble").textContent()
      if (status === "streaming" && text) seen.add(text.length)
      if (status === "complete") break
      await page.waitForTimeout(30)
    }
    expect(seen.size).toBeGreaterThan(2)
    await page.locator("article.msg-assistant[data-status=complete]").last().waitFor()

    const card = answer.locator("details.tool[data-tool=list_dir]")
    await card.locator("summary").click()
    await expect(card.evaluate((d) => d instanceof HTMLDetailsElement && d.open)).resolves.toBe(true)
    const result = await card.locator(".tool-body").textContent()
    expect(result).toContain("README.md")

    await answer.locator("pre.code .copy-code").waitFor()
    expect(await answer.locator(".bubble pre.code code").textContent()).toContain("export const answer = 42")
    expect(await answer.locator(".hljs-keyword").count()).toBeGreaterThan(0)
    const foot = (await answer.locator(".msg-foot").textContent()) ?? ""
    expect(foot).toMatch(/tok\/s/)
    expect(foot).toMatch(/tokens/)
    await screenshot(page, "chat-desktop-light")
    await page.close()
  })

  it("stops a long answer with Esc and shows it as stopped", async () => {
    const page = await open()
    await newSession(page, projectDir)
    const text = longText(600)
    app.fakeLlm.enqueue(textReply(text, { delayMs: 40, chunkChars: 4 }))
    await ask(page, "Talk for a long time")
    await expect.poll(async () => (await answerText(page)).length, { timeout: 10_000 }).toBeGreaterThan(20)
    await page.locator("#stop:not([hidden])").waitFor()
    await screenshot(page, "streaming-desktop-light")
    await page.keyboard.press("Escape")
    await page.locator("article.msg-assistant[data-status=cancelled]").waitFor({ timeout: 10_000 })
    await page.locator(".status-cancelled").waitFor()
    const kept = await answerText(page)
    expect(kept.length).toBeGreaterThan(0)
    expect(kept.length).toBeLessThan(text.length)
    expect(text.startsWith(kept)).toBe(true)
    await expect(page.locator("#stop").isHidden()).resolves.toBe(true)
    await page.close()
  })

  it("reloaded mid-answer, shows the text so far and streams on to exactly the final text", async () => {
    const page = await open()
    const sessionId = await newSession(page, projectDir)
    const text = longText(260)
    app.fakeLlm.enqueue(textReply(text, { delayMs: 12, chunkChars: 3 }))
    await ask(page, "Stream something I can reload through")
    await expect.poll(async () => (await answerText(page)).length, { timeout: 10_000 }).toBeGreaterThan(80)
    for (let i = 0; i < 2; i++) {
      await page.reload()
      await page.locator(`article.msg-assistant`).last().waitFor()
      const sofar = await answerText(page)
      expect(text.startsWith(sofar)).toBe(true)
      await page.waitForTimeout(250)
    }
    await page.locator("article.msg-assistant[data-status=complete]").last().waitFor({ timeout: 20_000 })
    expect(await answerText(page)).toBe(text)
    const res = await fetch(`${app.url}/api/sessions/${sessionId}`)
    const body: unknown = await res.json()
    expect(JSON.stringify(body)).toContain(JSON.stringify(text).slice(1, -1))
    await page.close()
  })

  it("survives the socket dropping again and again mid-answer: no lost or doubled text", async () => {
    const page = await tb.context.newPage()
    watchProblems(page)
    let connections = 0
    let drops = 0
    await page.routeWebSocket(/\/api\/ws\/sessions\//, (ws) => {
      connections++
      const server = ws.connectToServer()
      let frames = 0
      ws.onMessage((m) => server.send(m))
      server.onMessage((m) => {
        ws.send(m)
        // Cut the line every 25 frames, six times, wherever the stream happens to be.
        if (++frames % 25 === 0 && drops < 6) {
          drops++
          void ws.close({ code: 4000, reason: "test drop" })
          void server.close()
        }
      })
    })
    await page.goto(app.url)
    await page.locator("#conn[data-state=open]").waitFor({ timeout: 10_000 })
    await newSession(page, projectDir)
    const text = longText(300)
    app.fakeLlm.enqueue(textReply(text, { delayMs: 8, chunkChars: 3 }))
    await ask(page, "Stream through a bad connection")
    await page.locator("article.msg-assistant[data-status=complete]").last().waitFor({ timeout: 30_000 })
    expect(drops).toBeGreaterThanOrEqual(3)
    expect(connections).toBeGreaterThan(drops)
    expect(await answerText(page)).toBe(text)
    await page.close()
  })

  it("renders a hostile reply inert: no script runs, no handler fires, nothing loads from elsewhere", async () => {
    // The sanitiser parses the hostile HTML in an inert document, which inherits the page's CSP:
    // Chromium logs (and blocks) the inline handler and styles there. Kept apart from `problems`.
    const hostileProblems: Array<string> = []
    const page = await open("", hostileProblems)
    const outside = watchOutsideRequests(page, app.url)
    await newSession(page, projectDir)
    const hostile = [
      "Hostile reply <script>window.__pwned = 'script'</script>",
      '<img src="x" onerror="window.__pwned = \'onerror\'">',
      "![tracker](https://evil.example.com/pixel.png)",
      '<img src="http://evil.example.com/raw.png" alt="raw">',
      '<a href="javascript:window.__pwned=\'href\'">click me</a> and [a link](https://example.org/page)',
      '<iframe src="https://evil.example.com/frame"></iframe><style>body{display:none}</style>',
      '<div style="background:url(https://evil.example.com/bg.png)">styled</div>',
      '<svg><image href="https://evil.example.com/svg.png"/></svg><form action="https://evil.example.com"><button>go</button></form>',
      "END"
    ].join("\n\n")
    app.fakeLlm.enqueue(textReply(hostile, { chunkChars: 7 }))
    await ask(page, "Be hostile")
    await page.locator("article.msg-assistant[data-status=complete]").last().waitFor({ timeout: 10_000 })
    await page.waitForTimeout(500)
    const answer = lastAssistant(page)
    expect(await page.evaluate(() => Reflect.get(window, "__pwned"))).toBeUndefined()
    expect(await answer.locator("script, iframe, style, form, svg, [onerror], [style]").count()).toBe(0)
    expect(await answer.locator("img[src^='http']").count()).toBe(0)
    expect(await answer.locator("a.remote-image").count()).toBe(2)
    const links = await answer.locator("a[href]").evaluateAll((as) =>
      as.map((a) => ({ href: a.getAttribute("href"), target: a.getAttribute("target"), rel: a.getAttribute("rel") }))
    )
    for (const l of links) {
      expect(l.href?.startsWith("javascript:")).toBe(false)
      expect(l.target).toBe("_blank")
      expect(l.rel).toContain("noopener")
      expect(l.rel).toContain("noreferrer")
    }
    expect(outside).toEqual([])
    expect(hostileProblems.filter((p) => p.startsWith("pageerror"))).toEqual([])
    await screenshot(page, "hostile-reply")
    await page.close()
  })

  it("keeps two tabs in sync: projects, sessions, busy state, names and the streamed text", async () => {
    const a = await open()
    const b = await open()
    const dir2 = makeProjectDir()
    try {
      await addProject(a, dir2)
      await b.locator(`.project-name[title="${dir2}"]`).waitFor({ timeout: 5000 })
      const sessionId = await newSession(a, dir2)
      const link = b.locator(`a.session-link[data-session-id="${sessionId}"]`)
      await link.waitFor({ timeout: 5000 })
      await link.click()
      await b.locator("#composer:not([hidden])").waitFor()

      const text = longText(120)
      app.fakeLlm.enqueue(textReply(text, { delayMs: 15, chunkChars: 4 }))
      await ask(a, "Sync me")
      await b.locator(`a.session-link[data-session-id="${sessionId}"][data-busy=true]`).waitFor({ timeout: 5000 })
      await b.locator("article.msg-assistant[data-status=complete]").last().waitFor({ timeout: 15_000 })
      expect(await answerText(b)).toBe(text)
      await b.locator(`a.session-link[data-session-id="${sessionId}"][data-busy=false]`).waitFor({ timeout: 5000 })

      await a.click("#title")
      await a.fill(".title-input", "Renamed in tab A")
      await a.press(".title-input", "Enter")
      await b.locator("#title", { hasText: "Renamed in tab A" }).waitFor({ timeout: 5000 })
      await b.locator(`a.session-link[data-session-id="${sessionId}"]`, { hasText: "Renamed in tab A" }).waitFor()
    } finally {
      await a.close()
      await b.close()
      fs.rmSync(dir2, { recursive: true, force: true })
    }
  })

  it("regenerates, edits and resends; finds a session by search; keeps the model and system prompt", async () => {
    const page = await open()
    page.on("dialog", (d) => void d.accept())
    const first = await newSession(page, projectDir)
    const assistants = page.locator("article.msg-assistant")
    app.fakeLlm.enqueue(textReply("First answer"))
    await ask(page, "Question one")
    await page.locator("article.msg-assistant[data-status=complete]").waitFor()

    app.fakeLlm.enqueue(textReply("Second answer"))
    await lastAssistant(page).locator("[data-action=regenerate]").click()
    await lastAssistant(page).locator(".bubble", { hasText: "Second answer" }).waitFor()
    await page.locator("article.msg-assistant[data-status=complete]").waitFor()
    expect(await assistants.count()).toBe(1)

    app.fakeLlm.enqueue(textReply("Answer to the zebra question"))
    await page.locator("article.msg-user [data-action=edit]").click()
    await page.fill(".edit-box textarea", "Question about zebras")
    await page.press(".edit-box textarea", "Enter")
    await page.locator("article.msg-user .bubble", { hasText: "Question about zebras" }).waitFor()
    await lastAssistant(page).locator(".bubble", { hasText: "Answer to the zebra question" }).waitFor()
    await page.locator("article.msg-assistant[data-status=complete]").waitFor()
    expect(await page.locator("article.msg").count()).toBe(2)

    await page.fill("#search", "zebras")
    const hit = page.locator(`.search-hit[data-session-id="${first}"]`)
    await hit.waitFor({ timeout: 5000 })
    // The snippet is text; the match is marked from the hit's ranges.
    expect(await hit.locator(".hit-snippet").textContent()).toBe("Question about zebras")
    expect(await hit.locator(".hit-snippet mark").allTextContents()).toEqual(["zebras"])
    await hit.click()
    await page.waitForURL((u) => u.hash.includes(first))
    await page.locator("article.msg-user .bubble", { hasText: "Question about zebras" }).waitFor()

    await page.selectOption("#model", "fake-model")
    await page.locator(".toast", { hasText: "fake-model" }).waitFor()
    await page.click("#system-btn")
    await page.fill("#system-text", "You are terse.")
    await page.click("#system-save")
    await page.locator(".toast", { hasText: "Settings saved" }).waitFor()
    await page.reload()
    await page.locator("article.msg-user").first().waitFor()
    expect(await page.inputValue("#model")).toBe("fake-model")
    await page.click("#system-btn")
    expect(await page.inputValue("#system-text")).toBe("You are terse.")
    await page.keyboard.press("Escape")
    await page.close()
  })

  it("forks a session at a message, then deletes from a message in the fork", async () => {
    const page = await open()
    page.on("dialog", (d) => void d.accept())
    const first = await newSession(page, projectDir)
    app.fakeLlm.enqueue(textReply("Forkable answer"))
    await ask(page, "Something to fork")
    await page.locator("article.msg-assistant[data-status=complete]").waitFor()
    await lastAssistant(page).locator("[data-action=fork]").click()
    await page.waitForURL((u) => u.hash.startsWith("#/s/") && !u.hash.includes(first), { timeout: 10_000 })
    await page.locator("article.msg-assistant .bubble", { hasText: "Forkable answer" }).waitFor()
    const forked = decodeURIComponent(new URL(page.url()).hash.replace("#/s/", ""))
    await page.locator(`a.session-link[data-session-id="${forked}"]`).waitFor()
    await page.locator("article.msg-user [data-action=delete]").click()
    await expect.poll(() => page.locator("article.msg").count()).toBe(0)
    await page.close()
  })

  it("takes screenshots of the main screens: desktop and 360 px, light and dark", async () => {
    const page = await open()
    const sessionId = await newSession(page, projectDir)
    app.fakeLlm.enqueue(
      toolCallReply([{ id: "call_s", name: "grep", arguments: JSON.stringify({ pattern: "answer" }) }]),
      textReply(
        "The constant lives in `src/main.ts`:\n\n```ts\nexport const answer = 42\n```\n\n| file | lines |\n|---|---|\n| src/main.ts | 1 |\n\nIt is exported so other modules can import it.",
        { usage: { prompt_tokens: 900, completion_tokens: 60 }, timings: { predicted_per_second: 48.2 } }
      )
    )
    await ask(page, "Where is `answer` defined?")
    await page.locator("article.msg-assistant[data-status=complete]").last().waitFor({ timeout: 10_000 })
    app.fakeLlm.enqueue(reasoningReply("The user wants a summary. The file is tiny, one export.", "It exports one constant, `answer`."))
    await ask(page, "Summarise it")
    await page.locator("article.msg-assistant[data-status=complete]").nth(1).waitFor({ timeout: 10_000 })
    expect(await lastAssistant(page).locator("details.reasoning").evaluate((d) => d instanceof HTMLDetailsElement && !d.open)).toBe(true)
    app.fakeLlm.enqueue(errorMidStream("Partial text before", "model crashed: out of memory"))
    await ask(page, "And now fail")
    await page.locator("article.msg-assistant[data-status=failed]").waitFor({ timeout: 10_000 })
    expect(await page.locator(".status-failed").textContent()).toContain("out of memory")
    await page.locator("article.msg-assistant").first().locator("details.tool summary").first().click()
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      await page.setViewportSize({ width: 1280, height: 800 })
      await screenshot(page, `session-desktop-${scheme}`)
      await page.locator("#messages").evaluate((el) => el.scrollTo(0, el.scrollHeight))
      await screenshot(page, `session-end-desktop-${scheme}`)
      await page.keyboard.press("?")
      await page.locator("#help[open]").waitFor()
      await screenshot(page, `shortcuts-desktop-${scheme}`)
      await page.keyboard.press("Escape")
      await page.click("#audit-btn")
      await page.locator("#audit-events li").first().waitFor()
      await page.locator("#audit-state article.msg").first().waitFor()
      await screenshot(page, `audit-desktop-${scheme}`)
      await page.keyboard.press("Escape")
      await page.setViewportSize({ width: 360, height: 740 })
      await page.waitForTimeout(300)
      await screenshot(page, `session-360-${scheme}`)
      await page.click("#menu-btn")
      await page.waitForTimeout(300)
      await screenshot(page, `sidebar-360-${scheme}`)
      await page.click("#scrim", { position: { x: 340, y: 400 } })
      await page.waitForTimeout(300)
    }
    expect(sessionId.length).toBeGreaterThan(0)
    await page.close()
  })

  it("saw no CSP refusal and no uncaught error on any other page: the UI needs no inline script or style", async () => {
    const res = await fetch(app.url)
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'")
    expect(problems).toEqual([])
  })
})
