import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { UserFrame } from "../../../src/contract/userFrames.ts"
import { type BrowserApi, makeApi, newRequestId, RequestError } from "../../../src/web/api/client.ts"
import { decoderOf } from "../../../src/web/api/decodeWith.ts"
import { textReply, toolCallReply } from "../../support/fakeLlm/index.ts"
import { type TestApp, TestAppServer, testAppLayer } from "../../support/testApp.ts"
import { makeModelClient } from "./browserModelClient.ts"
import { pause } from "./fixtures.ts"
import { isType, open } from "./wsClient.ts"

const withApp = (name: string, f: (app: TestApp) => Promise<void>) =>
  [name, () => Effect.flatMap(TestAppServer, (app) => Effect.promise(() => f(app)))] as const

const decodeUser = decoderOf(UserFrame)

/** Polls the session through the browser's client until no answer streams. */
const idle = async (web: BrowserApi, sessionId: string) => {
  const deadline = Date.now() + 30_000
  for (;;) {
    const detail = await web.session(sessionId)
    if (!detail.session.busy) return detail
    if (Date.now() > deadline) throw new Error("session still busy")
    await pause(50)
  }
}

const until = async (check: () => boolean, what: string) => {
  const deadline = Date.now() + 15_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await pause(20)
  }
}

/** The error a call failed with (the browser's RequestError), or a failure if it succeeded. */
const failure = (call: Promise<unknown>) =>
  call.then(
    () => { throw new Error("the call succeeded") },
    (e: unknown) => (e instanceof RequestError ? { status: e.status, code: e.code } : { status: -1, code: String(e) })
  )

// A snapshot after 5 events: a client that joins late gets one, and it must decode too.
layer(testAppLayer({ env: { BOOCODE_WS_SNAPSHOT_AFTER: "5" } }), { excludeTestServices: true })("the browser's client against the real app", (it) => {
  it.effect(...withApp("every HTTP answer and every frame of a whole flow decodes with the browser's decoders, and the browser's model ends equal to GET", async (app) => {
    const web = makeApi(app.url)
    const user = await open(`${app.wsUrl}/api/ws/user`)

    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "bc-contract-"))
    await fs.writeFile(path.join(dir, "notes.txt"), "nothing much\n")
    const project = await web.addProject(dir)
    expect((await web.projects()).map((p) => p.id)).toContain(project.id)
    const session = await web.createSession(project.id, {})
    expect((await web.sessions(project.id)).map((s) => s.id)).toEqual([session.id])

    const live = makeModelClient(app.wsUrl, session.id)
    const socket = await live.connect()

    app.fakeLlm.enqueue(
      toolCallReply([{ id: "c1", name: "list_dir", arguments: "{\"path\":\".\"}" }], { text: "Let me look." }),
      textReply("It holds notes.txt.", { usage: { prompt_tokens: 20, completion_tokens: 6, total_tokens: 26 }, timings: { predicted_per_second: 30 } })
    )
    const posted = await web.post(session.id, "What is here?", newRequestId())
    await idle(web, session.id)

    const renamed = await web.patchSession(session.id, { name: "Contract", generation: { temperature: 0.3, top_p: null, max_tokens: 64, extra: null } })
    expect([renamed.name, renamed.generation.temperature]).toEqual(["Contract", 0.3])

    app.fakeLlm.enqueue(textReply("A second answer."))
    const second = await web.regenerate(session.id, posted.assistant_message_id)
    await idle(web, session.id)
    const selected = await web.selectAlternative(session.id, second.assistant_message_id, 0)
    expect(selected.messages.at(-1)?.alternatives).toEqual({ index: 0, count: 2 })

    app.fakeLlm.enqueue(textReply("Edited answer."))
    const edited = await web.edit(session.id, posted.user_message_id, "And now?")
    await idle(web, session.id)
    expect((await web.cancel(session.id)).cancelled).toBe(false)

    const fork = await web.fork(session.id, edited.assistant_message_id)
    expect(fork.messages.map((m) => m.content)).toEqual(["And now?", "Edited answer."])
    const forkSocket = makeModelClient(app.wsUrl, fork.session.id)
    await forkSocket.connect()
    expect((await web.deleteFrom(fork.session.id, fork.messages[1].id)).version).toBeGreaterThan(fork.version)

    const events = await web.events(session.id)
    expect(events.map((e) => e.version)).toEqual(events.map((_, i) => i + 1))
    const past = await web.stateAt(session.id, 3)
    expect(past.version).toBe(3)
    expect((await web.models()).map((m) => m.id)).toEqual(["fake-model"])
    expect((await web.llmStatus()).reachable).toBe(true)
    expect((await web.search("edited")).map((h) => h.session_id)).toContain(session.id)

    // Errors come as {error: {code, message}}: the browser reads the server's code, not a guess from the status.
    expect(await failure(web.session("00000000-0000-4000-8000-000000000000"))).toEqual({ status: 404, code: "session_not_found" })
    expect((await failure(web.selectAlternative(session.id, second.assistant_message_id, -1))).status).toBe(400)

    // Pings and a frame the server does not understand: their answers decode too.
    socket.ws.send(JSON.stringify({ type: "ping" }))
    socket.ws.send(JSON.stringify({ type: "hello?" }))
    await socket.waitFor(isType("error"))

    const late = makeModelClient(app.wsUrl, session.id)
    await late.connect()
    const detail = await web.session(session.id)
    const shown = (messages: ReadonlyArray<{ readonly id: string; readonly content: string; readonly status: string }>) =>
      messages.map((m) => [m.id, m.content, m.status])
    await until(() => live.conversation.version === detail.version && late.conversation.version === detail.version, "both clients to catch up")
    expect(shown(live.conversation.messages)).toEqual(shown(detail.messages))
    expect(shown(late.conversation.messages)).toEqual(shown(detail.messages))
    expect(live.conversation.messages.map((m) => m.alternatives)).toEqual(detail.messages.map((m) => m.alternatives))
    expect(live.conversation.name).toBe("Contract")
    expect(late.state.snapshots).toBe(1)
    expect([live.state.undecodable, late.state.undecodable, forkSocket.state.undecodable]).toEqual([[], [], []])

    await web.deleteSession(fork.session.id)
    await web.removeProject(project.id)
    await user.waitFor((f) => isType("project_removed")(f))
    const userFrames = user.frames.map((f) => decodeUser(f))
    expect(userFrames.flatMap((r) => (r.ok ? [] : [r.error]))).toEqual([])
    const kinds = new Set(userFrames.flatMap((r) => (r.ok ? [r.value.type] : [])))
    expect([...kinds].sort()).toEqual(
      ["hello", "project_added", "project_removed", "session_created", "session_deleted", "session_renamed", "session_updated"]
    )
    user.ws.close()
    socket.ws.close()
  }))
})
