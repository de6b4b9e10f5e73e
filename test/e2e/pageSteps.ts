import type { Page } from "playwright-core"

/** What a user does on the page, shared by the browser tests. */

export const addProject = async (page: Page, dir: string) => {
  await page.fill("#project-path", dir)
  await page.press("#project-path", "Enter")
  await page.locator(`.project-name[title="${dir}"]`).waitFor()
}

/** Starts a session on the project at `dir`; its id, from the URL. */
export const newSession = async (page: Page, dir: string): Promise<string> => {
  await page.locator(".project", { has: page.locator(`.project-name[title="${dir}"]`) }).locator("[data-new-session]").click()
  await page.waitForURL(/#\/s\//)
  await page.locator("#composer:not([hidden])").waitFor()
  return decodeURIComponent(new URL(page.url()).hash.replace("#/s/", ""))
}

export const ask = async (page: Page, text: string) => {
  await page.fill("#input", text)
  await page.press("#input", "Enter")
}

export const lastAssistant = (page: Page) => page.locator("article.msg-assistant").last()
