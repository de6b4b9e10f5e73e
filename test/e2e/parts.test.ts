import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { textReply, toolCallReply } from "../support/fakeLlm/index.ts"
import { startApp, stopApp, type E2eApp } from "./app.ts"
import { addProject, ask, lastAssistant, newSession } from "./pageSteps.ts"
import { ensureWebBuilt, launchBrowser, screenshot, type TestBrowser } from "./browser.ts"

let app: E2eApp
let tb: TestBrowser
let projectDir: string
const problems: Array<string> = []

const open = async (hash = ""): Promise<Page> => {
  const page = await tb.context.newPage()
  page.on("pageerror", (e) => problems.push(`pageerror: ${String(e)}`))
  await page.goto(`${app.url}/${hash}`)
  await page.locator("#conn[data-state=open]").waitFor({ timeout: 10_000 })
  return page
}

/** The answer's parts on screen, in order: "text: …" for a text stretch, "tool: name" for a tool card. */
const partsOnScreen = (page: Page) =>
  lastAssistant(page).locator(".parts > *").evaluateAll((els) =>
    els.map((el) =>
      el.matches("details.tool")
        ? `tool: ${el.getAttribute("data-tool") ?? ""}`
        : el.matches(".reasoning")
          ? "reasoning"
          : `text: ${(el.textContent ?? "").trim()}`
    )
  )

const sessionJson = async (id: string): Promise<{ messages: Array<{ id: string; content: string; status: string }> }> => {
  const res = await fetch(`${app.url}/api/sessions/${encodeURIComponent(id)}`)
  return (await res.json()) as { messages: Array<{ id: string; content: string; status: string }> }
}

beforeAll(async () => {
  ensureWebBuilt()
  projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "boocode-e2e-parts-"))
  fs.mkdirSync(path.join(projectDir, "src"))
  fs.writeFileSync(path.join(projectDir, "README.md"), "# Demo\nA demo project.\n")
  fs.writeFileSync(path.join(projectDir, "src", "main.ts"), "export const answer = 42\n")
  app = await startApp()
  tb = await launchBrowser()
  const page = await open()
  await addProject(page, projectDir)
  await page.close()
}, 120_000)

afterAll(async () => {
  await tb?.close()
  await stopApp(app)
  if (projectDir) fs.rmSync(projectDir, { recursive: true, force: true })
})

describe("an answer as it happened, Continue, and the sampling settings (real Chromium, real app, fake LLM)", () => {
  it("shows a three-round answer in its order (text, card, text, card, text), live and after a reload", async () => {
    const page = await open()
    await newSession(page, projectDir)
    app.fakeLlm.enqueue(
      toolCallReply([{ id: "call_1", name: "list_dir", arguments: JSON.stringify({ path: "." }) }], { text: "First I look at the folder." }),
      toolCallReply([{ id: "call_2", name: "grep", arguments: JSON.stringify({ pattern: "answer" }) }], { text: "Then I search for the constant." }),
      textReply("It is `answer`, in **src/main.ts**.", { usage: { prompt_tokens: 300, completion_tokens: 40 } })
    )
    await ask(page, "Where is the answer defined?")
    await page.locator("article.msg-assistant[data-status=complete]").waitFor({ timeout: 15_000 })
    const expected = [
      "text: First I look at the folder.",
      "tool: list_dir",
      "text: Then I search for the constant.",
      "tool: grep",
      "text: It is answer, in src/main.ts."
    ]
    await expect.poll(() => partsOnScreen(page), { timeout: 5_000 }).toEqual(expected)
    // The first card, opened, stays open while the view updates.
    const card = lastAssistant(page).locator("details.tool[data-tool=list_dir]")
    await card.locator("summary").click()
    expect(await card.locator(".tool-body").textContent()).toContain("README.md")
    await screenshot(page, "parts-order-desktop-light")

    await page.reload()
    await page.locator("article.msg-assistant[data-status=complete]").waitFor()
    expect(await partsOnScreen(page)).toEqual(expected)
    // The audit view's state at the last version shows the same order.
    await page.click("#audit-btn")
    await page.locator("#audit-state article.msg-assistant").waitFor()
    const auditParts = await page.locator("#audit-state article.msg-assistant .parts > *").evaluateAll((els) =>
      els.map((el) => (el.matches("details.tool") ? `tool: ${el.getAttribute("data-tool") ?? ""}` : `text: ${(el.textContent ?? "").trim()}`))
    )
    expect(auditParts).toEqual(expected)
    await page.keyboard.press("Escape")
    await page.close()
  })

  it("continues a stopped answer in the same message to the full text, from the Continue button", async () => {
    const page = await open()
    const sessionId = await newSession(page, projectDir)
    const full = Array.from({ length: 120 }, (_, i) => `word${i}`).join(" ")
    app.fakeLlm.enqueue(textReply(full, { delayMs: 40, chunkChars: 4 }))
    await ask(page, "Count for me")
    await expect.poll(async () => ((await lastAssistant(page).locator(".bubble").first().textContent()) ?? "").length, { timeout: 10_000 })
      .toBeGreaterThan(30)
    const answer = lastAssistant(page)
    await expect(answer.locator("[data-action=continue]").count()).resolves.toBe(0)
    await page.keyboard.press("Escape")
    await page.locator("article.msg-assistant[data-status=cancelled]").waitFor({ timeout: 10_000 })

    const stopped = (await sessionJson(sessionId)).messages.at(-1)
    expect(stopped?.status).toBe("cancelled")
    const kept = stopped?.content ?? ""
    expect(kept.length).toBeGreaterThan(0)
    expect(kept.length).toBeLessThan(full.length)
    expect(full.startsWith(kept)).toBe(true)
    const button = answer.locator("[data-action=continue]")
    await button.waitFor()
    await answer.hover()
    await screenshot(page, "continue-desktop-light")

    app.fakeLlm.enqueue(textReply(full.slice(kept.length), { delayMs: 10, chunkChars: 6 }))
    await button.click()
    await page.locator("article.msg-assistant[data-status=complete]").waitFor({ timeout: 15_000 })
    expect(await page.locator("article.msg-assistant").count()).toBe(1)
    expect(((await answer.locator(".bubble").textContent()) ?? "").trim()).toBe(full)
    await expect(answer.locator(".status-cancelled").isHidden()).resolves.toBe(true)
    await expect(answer.locator("[data-action=continue]").count()).resolves.toBe(0)
    const after = (await sessionJson(sessionId)).messages.at(-1)
    expect(after?.id).toBe(stopped?.id)
    expect(after?.content).toBe(full)
    await page.close()
  })

  it("offers Continue on an answer cut at the length limit, after a reload too, and joins the rest without a gap", async () => {
    const page = await open()
    await newSession(page, projectDir)
    app.fakeLlm.enqueue(textReply("The list goes: one, two,", { finishReason: "length" }))
    await ask(page, "List them")
    const answer = lastAssistant(page)
    await page.locator("article.msg-assistant[data-status=complete]").waitFor({ timeout: 10_000 })
    await answer.locator(".status-length", { hasText: "Cut at the length limit." }).waitFor()
    await page.reload()
    await answer.locator("[data-action=continue]").waitFor()
    app.fakeLlm.enqueue(textReply(" three, four."))
    await answer.locator("[data-action=continue]").click()
    await expect.poll(async () => ((await answer.locator(".bubble").textContent()) ?? "").trim(), { timeout: 10_000 })
      .toBe("The list goes: one, two, three, four.")
    await page.locator("article.msg-assistant[data-status=complete]").waitFor()
    await expect(answer.locator(".status-length").count()).resolves.toBe(0)
    await expect(answer.locator("[data-action=continue]").count()).resolves.toBe(0)
    await page.close()
  })

  it("saves the sampling settings (shown again after a reload) and shows a bad value's error by its field, saving nothing", async () => {
    const page = await open()
    const sessionId = await newSession(page, projectDir)
    await page.click("#system-btn")
    await page.locator("#system-dialog[open]").waitFor()
    await page.fill("#system-text", "You are terse.")
    await page.fill("#gen-temperature", "0.7")
    await page.fill("#gen-top-p", "0.9")
    await page.fill("#gen-max-tokens", "256")
    await page.fill("#gen-extra", "{\"top_k\": 40}")
    await page.click("#system-save")
    await page.locator(".toast", { hasText: "Settings saved" }).waitFor()
    await page.locator("#system-dialog:not([open])").waitFor({ state: "attached" })

    await page.reload()
    await page.locator("#composer:not([hidden])").waitFor()
    await page.click("#system-btn")
    expect(await page.inputValue("#system-text")).toBe("You are terse.")
    expect(await page.inputValue("#gen-temperature")).toBe("0.7")
    expect(await page.inputValue("#gen-top-p")).toBe("0.9")
    expect(await page.inputValue("#gen-max-tokens")).toBe("256")
    expect(JSON.parse(await page.inputValue("#gen-extra"))).toEqual({ top_k: 40 })

    // Out of range: the server's 400 shows by the field, the dialog stays open.
    await page.fill("#gen-temperature", "3")
    await page.fill("#gen-max-tokens", "")
    await page.click("#system-save")
    const tempError = page.locator("#gen-temperature-error")
    await tempError.waitFor({ state: "visible" })
    expect(await tempError.textContent()).toBe("temperature must be a number from 0 to 2")
    expect(await page.locator("#system-dialog").getAttribute("open")).not.toBeNull()
    await screenshot(page, "settings-dialog-desktop-light")

    // Not JSON: refused here, before anything is sent.
    await page.fill("#gen-temperature", "1")
    await page.fill("#gen-extra", "{top_k: 40")
    await page.click("#system-save")
    const extraError = page.locator("#gen-extra-error")
    await extraError.waitFor({ state: "visible" })
    expect(await extraError.textContent()).toContain("not valid JSON")
    await expect(tempError.isHidden()).resolves.toBe(true)
    await page.keyboard.press("Escape")

    const res = await fetch(`${app.url}/api/sessions/${encodeURIComponent(sessionId)}`)
    const body = (await res.json()) as { session: { generation: unknown; system_prompt: string } }
    expect(body.session.generation).toEqual({ temperature: 0.7, top_p: 0.9, max_tokens: 256, extra: { top_k: 40 } })
    expect(body.session.system_prompt).toBe("You are terse.")
    await page.close()
  })

  it("keeps a regenerated answer: ‹ 2/2 › switches between the answers, in every tab and after a reload", async () => {
    const page = await open()
    const sessionId = await newSession(page, projectDir)
    app.fakeLlm.enqueue(textReply("The first answer."))
    await ask(page, "Say something")
    const answer = lastAssistant(page)
    await page.locator("article.msg-assistant[data-status=complete]").waitFor({ timeout: 10_000 })
    await expect(answer.locator(".alt-switch").count()).resolves.toBe(0)

    const other = await open(`#/s/${sessionId}`)
    await lastAssistant(other).locator(".bubble", { hasText: "The first answer." }).waitFor()

    app.fakeLlm.enqueue(textReply("The second answer."))
    await answer.locator("[data-action=regenerate]").click()
    const count = (p: Page) => lastAssistant(p).locator(".alt-count")
    for (const p of [page, other]) {
      await lastAssistant(p).locator(".bubble", { hasText: "The second answer." }).waitFor({ timeout: 10_000 })
      await expect.poll(() => count(p).textContent(), { timeout: 5_000 }).toBe("2/2")
    }
    expect(await page.locator("article.msg-assistant").count()).toBe(1)
    await expect(lastAssistant(page).getByRole("button", { name: "Next answer" }).isDisabled()).resolves.toBe(true)
    await lastAssistant(page).hover()
    await screenshot(page, "alternatives-desktop-light")

    await lastAssistant(page).getByRole("button", { name: "Previous answer" }).click()
    for (const p of [page, other]) {
      await lastAssistant(p).locator(".bubble", { hasText: "The first answer." }).waitFor({ timeout: 10_000 })
      await expect.poll(() => count(p).textContent(), { timeout: 5_000 }).toBe("1/2")
    }
    await page.reload()
    await lastAssistant(page).locator(".bubble", { hasText: "The first answer." }).waitFor({ timeout: 10_000 })
    expect(await count(page).textContent()).toBe("1/2")
    const shown = (await sessionJson(sessionId)).messages.map((m) => m.content)
    expect(shown).toEqual(["Say something", "The first answer."])
    await other.close()
    await page.close()
  })

  it("saw no uncaught error on any page", () => {
    expect(problems).toEqual([])
  })
})
