import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type FakeLlm, slowReply, startFakeLlm, textReply, toolCallReply } from "../../support/fakeLlm/index.ts"
import { makeModelClient } from "../http/browserModelClient.ts"
import { slowReplyText } from "../turns/helpers.ts"
import { at, call, str } from "../http/client.ts"
import { isType, makeResumingReader, open, type Opened } from "../http/wsClient.ts"
import { makeProjectDir, waitFor, waitHealthy } from "../db/serverProcess.ts"
import {
  api, eventsOf, type Instance, loggedText, messageOf, sharedDatabase, startInstance, stop, waitEnded
} from "./cluster.ts"

/**
 * Three app processes on one PostgreSQL database and nothing else shared: any instance serves any
 * session, a cancel anywhere reaches the turn's owner, viewers anywhere see its text, and only a
 * dead owner's turns are closed by the others.
 */
describe("three instances on one database", () => {
  let fake: FakeLlm
  let databaseUrl = ""
  let projectId = ""
  let a: Instance
  let b: Instance
  let c: Instance
  const all = () => [a, b, c]

  beforeAll(async () => {
    fake = await startFakeLlm()
    databaseUrl = await sharedDatabase()
    // The first one migrates the database; the others start on it together.
    a = await startInstance("a", databaseUrl, fake.url)
    ;[b, c] = await Promise.all([startInstance("b", databaseUrl, fake.url), startInstance("c", databaseUrl, fake.url)])
    projectId = str(await api(a, "POST", "/api/projects", 201, { path: await makeProjectDir() }), "id")
  }, 240_000)

  afterAll(async () => {
    await Promise.all(all().map(stop))
    await fake.close()
  })

  const newSession = async (on: Instance) => str(await api(on, "POST", `/api/projects/${projectId}/sessions`, 201, {}), "id")
  const post = async (on: Instance, sessionId: string, content = "tell me a story") =>
    str(await api(on, "POST", `/api/sessions/${sessionId}/messages`, 202, { content }), "assistant_message_id")
  const textIn = (on: Instance, sessionId: string, messageId: string, length: number) =>
    waitFor("text in the log", async () => ((await loggedText(on, sessionId, messageId)).length >= length ? true : undefined), 30_000)

  it("lifecycle frames reach the user channel of every instance", async () => {
    const sockets = await Promise.all(all().map((i) => open(`${i.ws}/api/ws/user`)))
    const sessionId = await newSession(b)
    const created = (frame: unknown) => isType("session_created")(frame) && at(frame, "session", "id") === sessionId
    for (const socket of sockets) expect(at(await socket.waitFor(created, 15_000), "session", "project_id")).toBe(projectId)
    fake.enqueue(slowReply(4, 20))
    const messageId = await post(c, sessionId)
    await waitEnded(a, sessionId, messageId)
    const busy = (value: boolean) => (frame: unknown) =>
      isType("session_updated")(frame) && at(frame, "session_id") === sessionId && at(frame, "busy") === value
    for (const socket of sockets) {
      const started = await socket.waitFor(busy(true), 15_000)
      await socket.waitFor(busy(false), 15_000, started)
      socket.ws.close()
    }
  }, 60_000)

  it("a turn on A streams to viewers on B and C, each ending with exactly the logged text", async () => {
    const sessionId = await newSession(a)
    const viewers = [makeResumingReader(b.ws, sessionId), makeResumingReader(c.ws, sessionId)]
    const connected = await Promise.all(viewers.map((v) => v.connect()))
    fake.enqueue(slowReply(60, 20))
    const messageId = await post(a, sessionId)
    const ended = await waitEnded(a, sessionId, messageId)
    expect(ended.status).toBe("complete")
    expect(ended.content).toBe(slowReplyText(60))
    for (const [i, viewer] of viewers.entries()) {
      await connected[i].socket.waitFor((f) => isType("message_complete")(f) && at(f, "message_id") === messageId, 15_000)
      expect(viewer.texts.get(messageId)).toBe(ended.content)
      expect(viewer.state.gaps).toBe(0)
      connected[i].socket.ws.close()
    }
    // Live text came before the log had it: the viewers saw more deltas than the log has batches.
    const batches = (await eventsOf(a, sessionId)).filter((e) => e.type === "TextDelta").length
    const deltas = (connected[0].socket.frames as Array<unknown>).filter((f) => isType("delta")(f) && at(f, "message_id") === messageId)
    expect(deltas.length).toBeGreaterThan(batches)
  }, 60_000)

  it("a viewer on B of a turn on A sees its rounds in order: text, tool card, then the next round's text", async () => {
    const sessionId = await newSession(a)
    const viewer = makeModelClient(b.ws, sessionId)
    const { ws } = await viewer.connect()
    fake.enqueue(
      toolCallReply([{ id: "call_1", name: "list_dir", arguments: "{}" }], { text: "First I look around." }),
      textReply(slowReplyText(40), { chunkChars: 3, delayMs: 10 })
    )
    const messageId = await post(a, sessionId, "what is here?")
    await waitEnded(a, sessionId, messageId)
    const order = (parts: ReadonlyArray<{ readonly kind: string; readonly text?: string; readonly tool?: { readonly name: string } }>) =>
      parts.map((p) => (p.kind === "tool" ? `tool:${p.tool?.name ?? ""}` : `${p.kind}:${p.text ?? ""}`))
    const expected = ["text:First I look around.", "tool:list_dir", `text:${slowReplyText(40)}`]
    await waitFor("the viewer to hold the whole answer", async () => {
      const m = viewer.conversation.messages.find((x) => x.id === messageId)
      return m?.status === "complete" && m.content.length === `First I look around.${slowReplyText(40)}`.length ? true : undefined
    }, 15_000)
    expect(order(viewer.conversation.messages.find((x) => x.id === messageId)?.parts ?? [])).toEqual(expected)
    expect(viewer.state.gaps).toBe(0)
    ws.close()
  }, 60_000)

  it("a socket moved from A to B in the middle of an answer resumes exactly", async () => {
    const sessionId = await newSession(a)
    const reader = makeResumingReader(a.ws, sessionId)
    const first = await reader.connect()
    fake.enqueue(slowReply(80, 25))
    const messageId = await post(a, sessionId)
    await waitFor("some live text on A", async () => ((reader.texts.get(messageId) ?? "").length > 40 ? true : undefined), 15_000)
    first.socket.ws.close()
    await first.socket.closed
    const moved = makeResumingReader(b.ws, sessionId)
    Object.assign(moved.state, { ...reader.state, completed: new Set(reader.state.completed) })
    moved.texts.set(messageId, reader.texts.get(messageId) ?? "")
    const second = await moved.connect()
    const ended = await waitEnded(b, sessionId, messageId)
    await second.socket.waitFor((f) => isType("message_complete")(f) && at(f, "message_id") === messageId, 15_000)
    expect(moved.texts.get(messageId)).toBe(ended.content)
    expect(ended.content).toBe(await loggedText(b, sessionId, messageId))
    expect(moved.state.gaps).toBe(0)
    second.socket.ws.close()
  }, 60_000)

  it("two posts at once on A and B: one turn starts, the other is refused with 409", async () => {
    const sessionId = await newSession(a)
    fake.enqueue(slowReply(10, 20))
    const answers = await Promise.all([a, b].map((i) => call(i.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "race" })))
    expect(answers.map((x) => x.status).sort()).toEqual([202, 409])
    const winner = answers.find((x) => x.status === 202)
    await waitEnded(c, sessionId, str(winner?.json, "assistant_message_id"))
    const started = (await eventsOf(c, sessionId)).filter((e) => e.type === "AssistantMessageStarted")
    expect(started.length).toBe(1)
  }, 60_000)

  it("a cancel posted to C stops the turn running on A: its upstream closes and the text is kept", async () => {
    const sessionId = await newSession(c)
    const closedBefore = fake.closedEarly
    fake.enqueue(slowReply(400, 25))
    const messageId = await post(a, sessionId)
    await textIn(c, sessionId, messageId, 20)
    expect(at(await api(c, "POST", `/api/sessions/${sessionId}/cancel`, 200), "cancelled")).toBe(true)
    const cancelledAt = Date.now()
    expect(await fake.waitClosedEarly(closedBefore + 1, 10_000)).toBe(true)
    const stoppedAfterMs = Date.now() - cancelledAt
    const ended = await waitEnded(c, sessionId, messageId)
    expect(ended.status).toBe("cancelled")
    expect(ended.content.length).toBeGreaterThan(0)
    expect(ended.content).toBe(await loggedText(c, sessionId, messageId))
    expect(slowReplyText(400).startsWith(ended.content)).toBe(true)
    expect(stoppedAfterMs).toBeLessThan(500)
  }, 60_000)

  it("restarting C while B runs a turn leaves B's turn running to its end", async () => {
    const sessionId = await newSession(b)
    fake.enqueue(slowReply(120, 25))
    const messageId = await post(b, sessionId)
    await textIn(b, sessionId, messageId, 20)
    const port = c.port
    await stop(c)
    c = await startInstance("c", databaseUrl, fake.url, port)
    const ended = await waitEnded(c, sessionId, messageId)
    expect(ended.status).toBe("complete")
    expect(ended.content).toBe(slowReplyText(120))
  }, 90_000)

  it("an owner paused past its lease is fenced: another instance closes its turn and nothing it writes afterwards lands", async () => {
    const sessionId = await newSession(a)
    fake.enqueue(slowReply(2_000, 25))
    const messageId = await post(a, sessionId)
    await textIn(b, sessionId, messageId, 20)
    a.child.kill("SIGSTOP")
    try {
      const ended = await waitEnded(b, sessionId, messageId, 30_000)
      expect(ended.status).toBe("interrupted")
    } finally {
      a.child.kill("SIGCONT")
    }
    const closed = (await eventsOf(b, sessionId)).findLast((e) => e.type === "AssistantMessageInterrupted")
    await waitFor("A to see that it lost the turn", async () => (/another instance closed it/.test(a.stdout() + a.stderr()) ? true : undefined), 30_000)
    const after = (await eventsOf(b, sessionId)).filter((e) => e.version > (closed?.version ?? 0))
    expect(after).toEqual([])
    const message = await messageOf(b, sessionId, messageId)
    expect(message?.content).toBe(await loggedText(b, sessionId, messageId))
    await waitHealthy(a)
  }, 90_000)

  it("kill -9 of A mid-turn: within 15 s B closes A's turn as interrupted with its text, and the session takes new posts", async () => {
    const sessionId = await newSession(b)
    fake.enqueue(slowReply(2_000, 25))
    const messageId = await post(a, sessionId)
    await textIn(b, sessionId, messageId, 20)
    a.child.kill("SIGKILL")
    await a.exited
    const ended = await waitEnded(b, sessionId, messageId, 15_000)
    expect(ended.status).toBe("interrupted")
    expect(ended.content.length).toBeGreaterThan(0)
    expect(ended.content).toBe(await loggedText(b, sessionId, messageId))
    fake.enqueue(slowReply(3, 10))
    const next = await post(b, sessionId, "and now?")
    expect((await waitEnded(c, sessionId, next)).status).toBe("complete")
  }, 90_000)
})
