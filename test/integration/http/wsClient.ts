import WebSocket from "ws"
import { at } from "./client.ts"

export interface Opened {
  readonly ws: WebSocket
  readonly frames: Array<unknown>
  /** Resolves with the close code. */
  readonly closed: Promise<number>
  /** Resolves with the first frame (from now on, or already received) that matches. */
  /** The first frame (already received or to come) that matches; with `after`, only frames after that one. */
  waitFor(match: (frame: unknown) => boolean, timeoutMs?: number, after?: unknown): Promise<unknown>
}

/** Opens a socket (with a matching Origin-less, Host-correct request) and collects its JSON frames. */
export const open = (url: string, headers: Record<string, string> = {}): Promise<Opened> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    const frames: Array<unknown> = []
    const waiters: Array<{ match: (f: unknown) => boolean; done: (f: unknown) => void }> = []
    const closed = new Promise<number>((r) => ws.on("close", (code) => r(code)))
    ws.on("message", (data) => {
      const frame: unknown = JSON.parse(data.toString())
      frames.push(frame)
      for (const w of [...waiters]) if (w.match(frame)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.done(frame)
      }
    })
    ws.on("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)))
    ws.on("error", reject)
    ws.on("open", () =>
      resolve({
        ws, frames, closed,
        waitFor: (match, timeoutMs = 10_000, after) => {
          const from = after === undefined ? 0 : frames.indexOf(after) + 1
          const found = frames.slice(from).find(match)
          if (found !== undefined) return Promise.resolve(found)
          return new Promise((done, fail) => {
            const timer = setTimeout(() => fail(new Error("timed out waiting for a frame")), timeoutMs)
            waiters.push({ match, done: (f) => (clearTimeout(timer), done(f)) })
          })
        }
      })
    )
  })

/** The status an upgrade attempt is refused with (0 when it opened). */
export const upgradeStatus = (url: string, headers: Record<string, string> = {}): Promise<number> =>
  new Promise((resolve) => {
    const ws = new WebSocket(url, { headers })
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? -1))
    ws.on("open", () => (ws.close(), resolve(0)))
    ws.on("error", () => resolve(-1))
  })

export const isType = (type: string) => (frame: unknown) => at(frame, "type") === type

/**
 * A client that keeps what it has: the last persisted version, and each message's text by
 * offset. It reconnects with `after`, `message_id` and `offset`, so the server sends only what is missing.
 */
export const makeResumingReader = (wsUrl: string, sessionId: string) => {
  const texts = new Map<string, string>()
  const state = { version: 0, last: undefined as string | undefined, gaps: 0, overlap: 0, completed: new Set<string>() }
  const apply = (frame: unknown) => {
    const version = at(frame, "version")
    if (typeof version === "number" && version > state.version) state.version = version
    const type = at(frame, "type")
    const id = at(frame, "message_id")
    if (typeof id !== "string") return
    if (type === "message_started" && at(frame, "role") === "assistant") state.last = id
    if (type === "message_complete") state.completed.add(id)
    if (type !== "delta") return
    const offset = at(frame, "offset")
    const content = at(frame, "content")
    if (typeof offset !== "number" || typeof content !== "string") return
    const have = texts.get(id) ?? ""
    if (offset > have.length) return void state.gaps++
    state.overlap += Math.min(content.length, have.length - offset)
    texts.set(id, have + content.slice(have.length - offset))
    state.last = id
  }
  const url = () => {
    const last = state.last
    const resume = last === undefined ? "" : `&message_id=${last}&offset=${(texts.get(last) ?? "").length}`
    return `${wsUrl}/api/ws/sessions/${sessionId}?after=${state.version}${resume}`
  }
  /** Connects; resolves once the server says the client caught up, with the time it took. */
  const connect = async () => {
    const started = performance.now()
    const socket = await open(url())
    socket.ws.on("message", (data) => apply(JSON.parse(data.toString())))
    for (const f of socket.frames) apply(f)
    await socket.waitFor(isType("caught_up"))
    return { socket, catchUpMs: performance.now() - started }
  }
  return { texts, state, connect }
}
