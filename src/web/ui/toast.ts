import { RequestError } from "../api/client.ts"
import { byId, h } from "../lib/dom.ts"

const toasts = byId("toasts", HTMLDivElement)

export const toast = (message: string, kind: "error" | "info" = "error"): void => {
  const el = h(`div.toast${kind === "info" ? ".info" : ""}`, { role: kind === "error" ? "alert" : "status" }, message)
  toasts.append(el)
  setTimeout(() => el.remove(), kind === "error" ? 6000 : 2500)
}

/** The server's own words when it gave a reason, else the fallback. */
export const errorMessage = (e: unknown, fallback: string): string => (e instanceof RequestError ? e.message : fallback)

/** An error handler that toasts "what: reason" (or "what." when there is no reason). */
export const failed =
  (what: string) =>
  (e: unknown): void => {
    toast(e instanceof RequestError ? `${what}: ${e.message}` : `${what}.`)
  }
