import type { Page } from "playwright-core"

/**
 * Every CSP refusal a page raises: the `securitypolicyviolation` events of the document (recorded
 * by a script added before any of the page's own) and the console lines Chromium prints for them,
 * which also cover documents without a window (a DOMParser's, a sanitiser's).
 */
export const watchCsp = async (page: Page): Promise<() => Promise<Array<string>>> => {
  const logged: Array<string> = []
  page.on("console", (m) => {
    if (/Content[- ]Security[- ]Policy/i.test(m.text())) logged.push(`console: ${m.text()}`)
  })
  await page.addInitScript(() => {
    const seen: Array<string> = []
    Reflect.set(window, "__cspViolations", seen)
    document.addEventListener("securitypolicyviolation", (e) => {
      seen.push(`event: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`)
    })
  })
  return async () => {
    const events = await page.evaluate(() => (Reflect.get(window, "__cspViolations") as Array<string> | undefined) ?? [])
    return [...events, ...logged]
  }
}
