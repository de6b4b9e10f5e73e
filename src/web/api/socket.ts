import type { Decoded } from "./decodeWith.ts"
import { parseJson } from "./decodeWith.ts"

export type ConnectionState = "connecting" | "open" | "closed"

export interface SocketOptions<F> {
  /** Built on every (re)connect, so it can carry the latest resume point. */
  readonly url: () => string
  /** The contract's decoder for this socket's frames. */
  readonly decode: (u: unknown) => Decoded<F>
  readonly onFrame: (frame: F) => void
  /** Called for frames that do not decode (logged, then skipped), with the raw value. */
  readonly onBadFrame?: (raw: unknown, reason: string) => void
  readonly onState?: (state: ConnectionState) => void
  /** After a successful (re)open. */
  readonly onOpen?: (reconnected: boolean) => void
}

export interface ManagedSocket {
  close(): void
  /** Drop the connection now and reconnect (from the current resume point). */
  reconnect(): void
  readonly state: ConnectionState
}

const wsUrl = (path: string): string => {
  const u = new URL(path, location.href)
  u.protocol = u.protocol === "https:" ? "wss:" : "ws:"
  return u.toString()
}

/** A WebSocket that reconnects with capped exponential backoff and jitter until closed. */
export const managedSocket = <F>(o: SocketOptions<F>): ManagedSocket => {
  let ws: WebSocket | null = null
  let closed = false
  let attempt = 0
  let opened = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let state: ConnectionState = "connecting"
  const setState = (s: ConnectionState) => {
    state = s
    o.onState?.(s)
  }

  const connect = () => {
    if (closed) return
    setState("connecting")
    const socket = new WebSocket(wsUrl(o.url()))
    ws = socket
    socket.onopen = () => {
      if (ws !== socket) return
      attempt = 0
      setState("open")
      o.onOpen?.(opened)
      opened = true
    }
    socket.onmessage = (ev: MessageEvent<unknown>) => {
      if (ws !== socket || typeof ev.data !== "string") return
      const raw = parseJson(ev.data)
      const frame = o.decode(raw)
      if (frame.ok) o.onFrame(frame.value)
      else o.onBadFrame?.(raw, frame.error)
    }
    socket.onclose = () => {
      if (ws !== socket) return
      ws = null
      if (closed) return
      setState("closed")
      const delay = Math.min(8000, 250 * 2 ** attempt) * (0.75 + Math.random() * 0.5)
      attempt++
      timer = setTimeout(connect, delay)
    }
  }
  connect()
  // A laptop waking up or a network coming back: try at once instead of waiting the backoff out.
  const wake = () => {
    if (!closed && ws === null) {
      clearTimeout(timer)
      attempt = 0
      connect()
    }
  }
  addEventListener("online", wake)
  addEventListener("focus", wake)

  return {
    close() {
      closed = true
      clearTimeout(timer)
      removeEventListener("online", wake)
      removeEventListener("focus", wake)
      const s = ws
      ws = null
      s?.close()
    },
    reconnect() {
      if (closed) return
      const s = ws
      ws = null
      s?.close()
      clearTimeout(timer)
      connect()
    },
    get state() {
      return state
    }
  }
}
