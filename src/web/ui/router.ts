/** The location hash is the route: `#/` for no session, `#/s/{id}` for one, `?m={message}` to point at a message. */
let navigate: (sessionId: string | null) => void = () => undefined

export const routedSessionId = (): string | null => {
  const m = /^#\/s\/([^/?#]+)/.exec(location.hash)
  return m ? decodeURIComponent(m[1]) : null
}

export const routedMessageId = (): string | null => {
  const m = /[?&]m=([^&]+)/.exec(location.hash)
  return m ? decodeURIComponent(m[1]) : null
}

export const sessionHref = (sessionId: string, messageId?: string | null): string =>
  `#/s/${encodeURIComponent(sessionId)}${messageId ? `?m=${encodeURIComponent(messageId)}` : ""}`

/** Runs `handler` on every route change, and on `go` to the route already shown. */
export const onNavigate = (handler: (sessionId: string | null) => void): void => {
  navigate = handler
  addEventListener("hashchange", () => handler(routedSessionId()))
}

export const go = (sessionId: string | null): void => {
  const hash = sessionId === null ? "#/" : sessionHref(sessionId)
  if (location.hash !== hash) location.hash = hash
  else navigate(sessionId)
}
