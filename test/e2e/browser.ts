import * as fs from "node:fs"
import * as path from "node:path"
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core"
export { ensureWebBuilt } from "../../scripts/ensureWebBuilt.ts"

const root = path.resolve(import.meta.dirname, "../..")

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"

export interface TestBrowser {
  readonly browser: Browser
  readonly context: BrowserContext
  close(): Promise<void>
}

/** Headless Debian Chromium; Playwright gives every launch a fresh temporary profile. */
export const launchBrowser = async (): Promise<TestBrowser> => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH`)
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync"
    ]
  })
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  return {
    browser,
    context,
    close: async () => {
      await context.close().catch(() => undefined)
      await browser.close().catch(() => undefined)
    }
  }
}

export const screenshotDir = path.join(root, "test-artifacts/screenshots")

export const screenshot = async (page: Page, name: string): Promise<void> => {
  fs.mkdirSync(screenshotDir, { recursive: true })
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) })
}

/** Records every request the page makes to a host other than the app's. */
export const watchOutsideRequests = (page: Page, appUrl: string): Array<string> => {
  const origin = new URL(appUrl).host
  const outside: Array<string> = []
  page.on("request", (req) => {
    const u = req.url()
    if (u.startsWith("data:") || u.startsWith("blob:")) return
    try {
      if (new URL(u).host !== origin) outside.push(u)
    } catch {
      outside.push(u)
    }
  })
  return outside
}
