import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { textReply, toolCallReply } from "../../support/fakeLlm/index.ts"
import { type TestApp, TestAppServer, testAppLayer } from "../../support/testApp.ts"
import { at, call, str } from "./client.ts"
import { newSession, waitIdle } from "./fixtures.ts"

const withApp = (name: string, f: (app: TestApp) => Promise<void>) =>
  [name, () => Effect.flatMap(TestAppServer, (app) => Effect.promise(() => f(app)))] as const

/** A three-round answer: text, a call; text, a call; the final text. */
const threeRounds = (app: TestApp) => {
  app.fakeLlm.enqueue(
    toolCallReply([{ id: "call_a", name: "list_dir", arguments: "{\"path\":\".\"}" }], { text: "First I look around." }),
    toolCallReply([{ id: "call_b", name: "view_file", arguments: "{\"path\":\"notes.md\"}" }], { text: "Now the notes." }),
    textReply("The notes say hello.")
  )
}

layer(testAppLayer(), { excludeTestServices: true })("a message as a sequence of parts", (it) => {
  it.effect(...withApp("a multi-round answer keeps its order: in GET, in the export, and in the history sent back to the model", async (app) => {
    const { sessionId, dir } = await newSession(app)
    await fs.writeFile(path.join(dir, "notes.md"), "hello\n")
    threeRounds(app)
    await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "What do the notes say?" })
    const detail = await waitIdle(app, sessionId)
    const parts = at(detail.json, "messages", 1, "parts")
    expect(Array.isArray(parts) ? parts.map((p) => [at(p, "type"), at(p, "text") ?? at(p, "tool_call_id")]) : parts).toEqual([
      ["text", "First I look around."],
      ["tool_call", "call_a"],
      ["tool_result", "call_a"],
      ["text", "Now the notes."],
      ["tool_call", "call_b"],
      ["tool_result", "call_b"],
      ["text", "The notes say hello."]
    ])
    expect(str(detail.json, "messages", 1, "content")).toBe("First I look around.Now the notes.The notes say hello.")

    const md = (await call(app.url, "GET", `/api/sessions/${sessionId}/export?format=markdown`)).text
    const order = ["First I look around.", "list_dir(", "Now the notes.", "view_file(", "The notes say hello."].map((s) => md.indexOf(s))
    expect(order.every((i) => i >= 0)).toBe(true)
    expect([...order].sort((x, y) => x - y)).toEqual(order)

    app.fakeLlm.enqueue(textReply("Anything else?"))
    await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "Thanks" })
    await waitIdle(app, sessionId)
    const sent = at(app.fakeLlm.requests[app.fakeLlm.requests.length - 1]?.body, "messages")
    const history = (Array.isArray(sent) ? sent : []).slice(1).map((m) => [
      at(m, "role"), at(m, "content") ?? null, (at(m, "tool_calls") as Array<unknown> | undefined)?.map((c) => at(c, "id")) ?? null
    ])
    expect(history.map(([role, content, calls]) => [role, role === "tool" ? "(result)" : content, calls])).toEqual([
      ["user", "What do the notes say?", null],
      ["assistant", "First I look around.", ["call_a"]],
      ["tool", "(result)", null],
      ["assistant", "Now the notes.", ["call_b"]],
      ["tool", "(result)", null],
      ["assistant", "The notes say hello.", null],
      ["user", "Thanks", null]
    ])
  }))
})
