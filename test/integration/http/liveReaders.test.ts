import { expect, layer } from "@effect/vitest"
import { PgClient } from "@effect/sql-pg"
import { Effect, Redacted, Stream } from "effect"
import { randomUUID } from "node:crypto"
import { SessionId, streamIdOfSession } from "../../../src/domain/index.ts"
import { textReply } from "../../support/fakeLlm/index.ts"
import { makeModelClient } from "./browserModelClient.ts"
import { at, call, str } from "./client.ts"
import { newSession, waitIdle } from "./fixtures.ts"
import { type LiveApp, LiveAppServer, liveAppLayer } from "./liveApp.ts"
import { isType, open, type Opened } from "./wsClient.ts"

const withApp = (name: string, f: (app: LiveApp) => Promise<void>) =>
  [name, () => Effect.flatMap(LiveAppServer, (app) => Effect.promise(() => f(app)))] as const

const SNAPSHOT_AFTER = 40

const isPoll = (text: string) => text.includes("max(global_position)")
const readsEvents = (text: string) => /FROM events\s+WHERE stream_id =/.test(text)

/** Resolves once the process's poller has run `n` more statements (its ticks, observed, not slept). */
const polls = (app: LiveApp, n: number) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const [start] = yield* app.subscriptions.polls.get.pipe(Effect.map((v) => [v]))
      yield* app.subscriptions.polls.changes.pipe(Stream.filter((v) => v >= start + n), Stream.take(1), Stream.runDrain)
    }).pipe(Effect.timeout("30 seconds"))
  )

const caughtUp = async (url: string) => {
  const socket = await open(url)
  await socket.waitFor(isType("caught_up"), 30_000)
  return socket
}

const deltasOf = (socket: Opened, messageId: string) =>
  socket.frames.filter((f) => isType("delta")(f) && at(f, "message_id") === messageId)

/** Every character once: each delta starts where the previous one ended. */
const contiguous = (frames: ReadonlyArray<unknown>, from = 0) => {
  let end = from
  for (const f of frames) {
    if (at(f, "offset") !== end) return false
    end += str(f, "content").length
  }
  return true
}

const words = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}${i % 9 === 4 ? " 👻" : ""}`).join(" ")

/** Appends an event with plain SQL, as append_events does but without its NOTIFY: a notification lost. */
const appendSilently = (databaseUrl: string, streamId: string, data: Record<string, unknown>) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const sql = yield* PgClient.PgClient
      const id = randomUUID()
      const rows = yield* sql<{ version: string }>`
        WITH s AS (SELECT version, last_hash FROM streams WHERE stream_id = ${streamId} FOR UPDATE),
        e AS (
          INSERT INTO events (event_id, stream_id, stream_version, type, data, recorded_at, hash)
          SELECT ${id}::uuid, ${streamId}, s.version + 1, ${String(data._tag)}, ${JSON.stringify(data)}::jsonb, now(),
                 event_hash(s.last_hash, ${id}::uuid, ${streamId}, s.version + 1, ${String(data._tag)}, ${JSON.stringify(data)}::jsonb, '{}'::jsonb, now())
          FROM s RETURNING stream_version, hash)
        UPDATE streams SET version = e.stream_version, last_hash = e.hash FROM e WHERE streams.stream_id = ${streamId}
        RETURNING version::text AS version`
      return Number(rows[0]?.version)
    }).pipe(Effect.provide(PgClient.layer({ url: Redacted.make(databaseUrl), maxConnections: 1 })), Effect.scoped)
  )

layer(
  liveAppLayer({
    BOOCODE_FLUSH_INTERVAL: "100 millis",
    BOOCODE_FLUSH_CHARS: "16",
    BOOCODE_WS_SNAPSHOT_AFTER: String(SNAPSHOT_AFTER),
    // No heartbeat NOTIFY inside a counting window: the poll is the only periodic statement.
    BOOCODE_LISTEN_HEARTBEAT_MS: "3600000",
    BOOCODE_WS_MAX_PER_USER: "100"
  }),
  { excludeTestServices: true, timeout: 120_000 }
)("one reader per session", (it) => {
  it.effect(...withApp("twenty sockets of a session share one reader and one log tail; joining up to date reads no event", async (app) => {
    const { sessionId } = await newSession(app)
    const streamId = streamIdOfSession(SessionId.make(sessionId))
    const first = await Promise.all(Array.from({ length: 20 }, () => caughtUp(`${app.wsUrl}/api/ws/sessions/${sessionId}`)))
    expect(app.readers.users(sessionId)).toBe(20)
    expect(app.subscriptions.tailsOf(streamId)).toBe(1)
    const version = Number(at(first[0].frames.find(isType("caught_up")), "version"))

    const mark = app.statements.length
    const more = await Promise.all(
      Array.from({ length: 20 }, () => caughtUp(`${app.wsUrl}/api/ws/sessions/${sessionId}?after=${version}`))
    )
    // The poll and the lease tick run on their own clocks, whatever the sockets do.
    const joined = app.statements.slice(mark).filter((s) => !isPoll(s.text) && !s.within.includes("TurnRunner.leaseTick"))
    expect(joined.filter((s) => readsEvents(s.text))).toEqual([])
    // One indexed lookup per socket (does the session exist), nothing folded, no log read.
    expect(joined.map((s) => s.text.includes("FROM sessions WHERE id ="))).toEqual(Array(20).fill(true))
    expect(app.readers.users(sessionId)).toBe(40)
    expect(app.subscriptions.tailsOf(streamId)).toBe(1)

    const reply = words(120, "shared")
    app.fakeLlm.enqueue(textReply(reply, { chunkChars: 7, delayMs: 2 }))
    const posted = await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "to everyone" })
    const assistantId = str(posted.json, "assistant_message_id")
    for (const socket of [...first, ...more]) await socket.waitFor(isType("message_complete"), 30_000)
    expect(app.subscriptions.tailsOf(streamId)).toBe(1)
    for (const socket of [...first, ...more]) {
      const deltas = deltasOf(socket, assistantId)
      expect(contiguous(deltas)).toBe(true)
      expect(deltas.map((f) => str(f, "content")).join("")).toBe(reply)
    }
    for (const socket of [...first, ...more]) socket.ws.close()
  }))

  it.effect(...withApp("idle sockets cost no statement: over ten polls the poll is the only one", async (app) => {
    const a = await newSession(app)
    const b = await newSession(app)
    const sockets = await Promise.all(
      Array.from({ length: 20 }, (_, i) => caughtUp(`${app.wsUrl}/api/ws/sessions/${i % 2 === 0 ? a.sessionId : b.sessionId}`))
    )
    await polls(app, 2)
    const mark = app.statements.length
    await polls(app, 10)
    // The instance's lease tick (heartbeat, lease renewal) runs whatever the sockets do: not theirs.
    const during = app.statements.slice(mark).filter((s) => !s.within.includes("TurnRunner.leaseTick"))
    expect(during.map((s) => isPoll(s.text))).toEqual(Array(10).fill(true))
    expect(app.readers.users(a.sessionId)).toBe(10)
    for (const socket of sockets) expect(socket.ws.readyState).toBe(socket.ws.OPEN)
    for (const socket of sockets) socket.ws.close()
  }))

  it.effect(...withApp("an event appended without NOTIFY reaches the socket through the one poll", async (app) => {
    const { sessionId } = await newSession(app)
    const socket = await caughtUp(`${app.wsUrl}/api/ws/sessions/${sessionId}`)
    const version = await appendSilently(app.databaseUrl, streamIdOfSession(SessionId.make(sessionId)), {
      _tag: "SessionRenamed", session_id: sessionId, name: "Renamed in silence", by: "user", at: new Date().toISOString()
    })
    const renamed = await socket.waitFor(isType("session_renamed"), 10_000)
    expect([at(renamed, "name"), at(renamed, "version")]).toEqual(["Renamed in silence", version])
    socket.ws.close()
  }))

  it.effect(...withApp("viewers joining mid-answer get the in-flight text exactly once", async (app) => {
    const { sessionId } = await newSession(app)
    const watcher = await caughtUp(`${app.wsUrl}/api/ws/sessions/${sessionId}`)
    const reply = words(300, "flight")
    app.fakeLlm.enqueue(textReply(reply, { chunkChars: 3, delayMs: 4 }))
    const posted = await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "stream slowly" })
    const assistantId = str(posted.json, "assistant_message_id")
    const before = Number(at(watcher.frames.find(isType("caught_up")), "version"))
    const viewers: Array<Opened> = []
    // Two resume from before the question (log tail + in-flight text), one is new (a snapshot): it
    // joins once the log is longer than the snapshot threshold, however fast the batches came.
    for (const [chars, after] of [[100, before], [300, before]]) {
      await watcher.waitFor((f) => isType("delta")(f) && at(f, "message_id") === assistantId && Number(at(f, "offset")) > chars, 30_000)
      viewers.push(await caughtUp(`${app.wsUrl}/api/ws/sessions/${sessionId}?after=${after}`))
    }
    await watcher.waitFor((f) => isType("delta")(f) && Number(at(f, "version")) > SNAPSHOT_AFTER + 2, 30_000)
    viewers.push(await caughtUp(`${app.wsUrl}/api/ws/sessions/${sessionId}?after=0`))
    for (const socket of [watcher, ...viewers]) await socket.waitFor(isType("message_complete"), 30_000)
    const logged = str((await waitIdle(app, sessionId)).json, "messages", 1, "content")
    expect(logged).toBe(reply)
    for (const socket of [watcher, ...viewers]) {
      // A viewer far enough behind starts from a snapshot holding the text so far.
      const snapshot = socket.frames.find(isType("snapshot"))
      const messages = snapshot === undefined ? [] : at(snapshot, "session", "messages")
      const held = Array.isArray(messages) ? messages.find((m) => at(m, "id") === assistantId) : undefined
      const base = held === undefined ? "" : str(held, "content")
      const deltas = deltasOf(socket, assistantId)
      expect(contiguous(deltas, base.length)).toBe(true)
      expect(base + deltas.map((f) => str(f, "content")).join("")).toBe(reply)
    }
    expect(viewers.map((v) => v.frames.some(isType("snapshot")))).toEqual([false, false, true])
    for (const socket of [watcher, ...viewers]) socket.ws.close()
  }))

  it.effect(...withApp("a logged answer replays as one frame per message, not one per batch", async (app) => {
    const { sessionId } = await newSession(app)
    const reply = words(40, "batch")
    // Pieces apart in time, so each reaches its own flush.
    app.fakeLlm.enqueue(textReply(reply, { chunkChars: 5, delayMs: 3 }))
    const posted = await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "short" })
    const detail = await waitIdle(app, sessionId)
    const version = Number(at(detail.json, "version"))
    expect(version).toBeLessThan(SNAPSHOT_AFTER)
    const batches = (await call(app.url, "GET", `/api/sessions/${sessionId}/events`)).json
    const deltaEvents = Array.isArray(batches) ? batches.filter((e) => at(e, "type") === "TextDelta").length : 0
    expect(deltaEvents).toBeGreaterThan(5)
    const socket = await caughtUp(`${app.wsUrl}/api/ws/sessions/${sessionId}`)
    const deltas = deltasOf(socket, str(posted.json, "assistant_message_id"))
    expect(deltas.map((f) => [at(f, "offset"), at(f, "content")])).toEqual([[0, reply]])
    socket.ws.close()
  }))

  it.effect(...withApp("a client new to a long session, or far behind, gets one snapshot and ends in exactly the logged state", async (app) => {
    const { sessionId } = await newSession(app)
    app.fakeLlm.enqueue(textReply(words(200, "long"), { chunkChars: 9, delayMs: 2 }))
    await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "make the log long" })
    const idle = await waitIdle(app, sessionId)
    const version = Number(at(idle.json, "version"))
    expect(version).toBeGreaterThan(SNAPSHOT_AFTER)

    for (const after of [0, 3]) {
      const socket = await caughtUp(`${app.wsUrl}/api/ws/sessions/${sessionId}?after=${after}`)
      expect(socket.frames.map((f) => at(f, "type"))).toEqual(["snapshot", "caught_up"])
      expect(at(socket.frames[0], "version")).toBe(version)
      expect(at(socket.frames[0], "session")).toEqual(idle.json)
      socket.ws.close()
    }

    // Mid-answer, through the browser's own model of the conversation, dropped now and then.
    const reply = words(300, "tail")
    app.fakeLlm.enqueue(textReply(reply, { chunkChars: 3, delayMs: 4 }))
    const posted = await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "and again" })
    const watcher = await caughtUp(`${app.wsUrl}/api/ws/sessions/${sessionId}?after=${version}`)
    await watcher.waitFor((f) => isType("delta")(f) && Number(at(f, "offset")) > 300, 30_000)
    const client = makeModelClient(app.wsUrl, sessionId)
    let socket = await client.connect()
    for (let drop = 0; drop < 5; drop++) {
      await socket.waitFor(isType("caught_up"), 30_000)
      await new Promise((r) => setTimeout(r, 60))
      socket.ws.close()
      await socket.closed
      socket = await client.connect()
    }
    await watcher.waitFor(isType("message_complete"), 30_000)
    await waitIdle(app, sessionId)
    const logged = await call(app.url, "GET", `/api/sessions/${sessionId}`)
    const assistantId = str(posted.json, "assistant_message_id")
    const deadline = Date.now() + 30_000
    while (client.conversation.messages.find((m) => m.id === assistantId)?.status !== "complete" && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20))
    expect(client.state.snapshots).toBe(1)
    expect(client.state.gaps).toBe(0)
    const messages = client.conversation.messages.map((m) => [m.id, m.role, m.content, m.status])
    const loggedMessages = at(logged.json, "messages")
    const expected = Array.isArray(loggedMessages) ? loggedMessages.map((m) => [at(m, "id"), at(m, "role"), at(m, "content"), at(m, "status")]) : []
    expect(messages).toEqual(expected)
    expect(client.conversation.messages.find((m) => m.id === assistantId)?.content).toBe(reply)
    socket.ws.close()
    watcher.ws.close()
  }))
})
