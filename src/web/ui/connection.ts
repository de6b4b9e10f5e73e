import type { ConnectionState } from "../api/socket.ts"
import { byId } from "../lib/dom.ts"

/** The Live / Connecting / Reconnecting badge: live only when the user channel and the open session's socket both are. */
const indicator = byId("conn", HTMLSpanElement)
let userState: ConnectionState = "connecting"
let sessionState: ConnectionState | null = null

const render = () => {
  const states = [userState, ...(sessionState === null ? [] : [sessionState])]
  const s: ConnectionState = states.every((x) => x === "open") ? "open" : states.includes("closed") ? "closed" : "connecting"
  const label = s === "open" ? "Live" : s === "closed" ? "Reconnecting" : "Connecting"
  indicator.className = `conn conn-${s}`
  indicator.title = s === "open" ? "Connected: updates are live" : s === "closed" ? "Connection lost: retrying…" : "Connecting…"
  indicator.dataset.state = s
  const text = indicator.querySelector(".conn-label")
  if (text) text.textContent = label
}

export const setUserConnection = (s: ConnectionState): void => {
  userState = s
  render()
}

/** `null` when no session is open. */
export const setSessionConnection = (s: ConnectionState | null): void => {
  sessionState = s
  render()
}
