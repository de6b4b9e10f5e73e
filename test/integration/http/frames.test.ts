import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import WebSocket from "ws"
import { type TestApp, TestAppServer, testAppLayer } from "../../support/testApp.ts"
import { at } from "./client.ts"
import { newSession, pause } from "./fixtures.ts"
import { isType, type Opened, open } from "./wsClient.ts"

const withApp = (name: string, f: (app: TestApp) => Promise<void>) =>
  [name, () => Effect.flatMap(TestAppServer, (app) => Effect.promise(() => f(app)))] as const

const PING = JSON.stringify({ type: "ping" })

const isError = (code: string) => (frame: unknown) => isType("error")(frame) && at(frame, "code") === code

/** The socket answers a ping after `after` (a frame already received): it is open and serving. */
const stillServes = async (socket: Opened, after: unknown) => {
  socket.ws.send(PING)
  await socket.waitFor(isType("pong"), 10_000, after)
  expect(socket.ws.readyState).toBe(WebSocket.OPEN)
}

const closedWithin = (socket: Opened, ms: number) =>
  Promise.race([
    socket.closed.then((code) => ({ code })),
    pause(ms).then(() => ({ code: "still open" as const }))
  ])

/** Sends pings as fast as the socket takes them, up to `max`, until it closes; the close code. */
const flood = async (socket: Opened, max: number, ping = () => socket.ws.send(PING)) => {
  let sent = 0
  while (sent < max && socket.ws.readyState === WebSocket.OPEN) {
    for (let i = 0; i < 1000 && sent < max; i++, sent++) ping()
    await new Promise<void>((r) => setImmediate(r))
  }
  return { sent, closed: await closedWithin(socket, 20_000) }
}

/** Pings every `everyMs` for `count` pings, waiting for each pong. */
const pingSteadily = async (socket: Opened, everyMs: number, count: number) => {
  let last: unknown = undefined
  for (let i = 0; i < count; i++) {
    socket.ws.send(PING)
    last = await socket.waitFor(isType("pong"), 10_000, last)
    await pause(everyMs)
  }
  return socket.frames.filter(isType("pong")).length
}

layer(testAppLayer(), { excludeTestServices: true })("client frames", (it) => {
  it.effect(...withApp("unknown, malformed and binary frames get an error frame on both sockets, which stay open", async (app) => {
    const { sessionId } = await newSession(app)
    for (const url of [`${app.wsUrl}/api/ws/user`, `${app.wsUrl}/api/ws/sessions/${sessionId}`]) {
      const socket = await open(url)
      socket.ws.send(JSON.stringify({ type: "subscribe", session: sessionId }))
      const unknown = await socket.waitFor(isError("unknown_frame"))
      expect(at(unknown, "message")).toBe(`Frame type "subscribe" is not understood: this socket only accepts {"type":"ping"}`)
      socket.ws.send(JSON.stringify([1, 2]))
      const untyped = await socket.waitFor(isError("unknown_frame"), 10_000, unknown)
      expect(at(untyped, "message")).toBe(`A frame without a type is not understood: this socket only accepts {"type":"ping"}`)
      socket.ws.send("{nope")
      const malformed = await socket.waitFor(isError("bad_frame"))
      expect(at(malformed, "message")).toBe(`Frames must be JSON text, such as {"type":"ping"}`)
      socket.ws.send(Buffer.from(PING), { binary: true })
      const binary = await socket.waitFor(isError("bad_frame"), 10_000, malformed)
      await stillServes(socket, binary)
      socket.ws.close()
      expect(await socket.closed).toBe(1005)
    }
  }))

  it.effect(...withApp("a flood of pings is closed with 1008, on the user socket and on a session socket", async (app) => {
    const { sessionId } = await newSession(app)
    for (const url of [`${app.wsUrl}/api/ws/user`, `${app.wsUrl}/api/ws/sessions/${sessionId}`]) {
      const socket = await open(url)
      const { sent, closed } = await flood(socket, 200_000)
      expect(closed).toEqual({ code: 1008 })
      expect(sent).toBeLessThan(200_000)
      // Before the close, at most the burst (50) and what refilled meanwhile was answered.
      expect(socket.frames.filter(isType("pong")).length).toBeLessThan(200)
    }
    // Protocol-level pings count too.
    const protocol = await open(`${app.wsUrl}/api/ws/user`)
    const { closed } = await flood(protocol, 200_000, () => protocol.ws.ping())
    expect(closed).toEqual({ code: 1008 })
    // The server itself is fine: a new socket is served.
    const fresh = await open(`${app.wsUrl}/api/ws/user`)
    const hello = await fresh.waitFor(isType("hello"))
    await stillServes(fresh, hello)
    fresh.ws.close()
  }))

  it.effect(...withApp("a client pinging once a second, or ten times a second past the burst, is never closed", async (app) => {
    const calm = await open(`${app.wsUrl}/api/ws/user`)
    const busy = await open(`${app.wsUrl}/api/ws/user`)
    // 70 pings in about 7 s: more than the burst of 50, under the rate of 20/s.
    const [calmPongs, busyPongs] = await Promise.all([pingSteadily(calm, 1000, 7), pingSteadily(busy, 100, 70)])
    expect([calmPongs, busyPongs]).toEqual([7, 70])
    expect([calm.ws.readyState, busy.ws.readyState]).toEqual([WebSocket.OPEN, WebSocket.OPEN])
    calm.ws.close()
    busy.ws.close()
    expect([await calm.closed, await busy.closed]).toEqual([1005, 1005])
  }))
})
