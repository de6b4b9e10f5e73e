import { expect, layer } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { engineLayer } from "../../support/engine.ts"
import { FakeLlmServer, textReply, toolCallReply } from "../../support/fakeLlm/index.ts"
import { askAndWait } from "./helpers.ts"

const ToolMessage = Schema.Struct({ role: Schema.Literal("tool"), tool_call_id: Schema.String, content: Schema.String })
const RequestBody = Schema.Struct({ messages: Schema.Array(Schema.Unknown) })

/** The tool messages the model was sent in a recorded request, by tool_call_id. */
const toolMessagesOf = (body: unknown) => {
  const { messages } = Schema.decodeUnknownSync(RequestBody)(body)
  const out = new Map<string, string>()
  for (const m of messages) {
    const decoded = Schema.decodeUnknownOption(ToolMessage)(m)
    if (decoded._tag === "Some") out.set(decoded.value.tool_call_id, decoded.value.content)
  }
  return out
}

/** Bad calls go back to the model as tool errors; runaway loops end the turn. */
layer(engineLayer({ BOOCODE_MAX_TOOL_ROUNDS: "4", BOOCODE_MAX_REPEATED_CALLS: "3" }), {
  timeout: 60_000,
  excludeTestServices: true
})("turns: tool faults", (it) => {
  it.scoped("reports invalid arguments to the model as a tool error and goes on", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      fake.enqueue(
        toolCallReply([
          { id: "bad-json", name: "view_file", arguments: "{\"path\": \"README.md\"" },
          { id: "bad-shape", name: "view_file", arguments: JSON.stringify({ path: 42 }) },
          { id: "missing", name: "grep", arguments: "{}" }
        ], { text: "Let me look. " }),
        textReply("Those calls were wrong; sorry.")
      )
      const before = fake.requests.length
      const { message, logged } = yield* askAndWait("Read the readme")
      expect(message.status).toBe("complete")
      expect(message.content).toBe("Let me look. Those calls were wrong; sorry.")
      expect(logged).toBe(message.content)
      expect(message.tool_calls.map((c) => String(c.id))).toEqual(["bad-json", "bad-shape", "missing"])
      for (const result of message.tool_results) {
        expect(result.error).toContain("invalid arguments")
        expect(result.output).toBe("")
      }
      expect(fake.requests.length - before).toBe(2)
      const sent = toolMessagesOf(fake.requests[fake.requests.length - 1].body)
      expect(sent.get("bad-json")).toMatch(/^Error: .*invalid arguments/)
      expect(sent.get("bad-shape")).toMatch(/^Error: .*invalid arguments/)
      expect(sent.get("missing")).toMatch(/^Error: .*invalid arguments/)
    })
  )

  it.scoped("reports an unknown tool to the model as a tool error and goes on", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      fake.enqueue(
        toolCallReply([
          { id: "rm", name: "rm_rf", arguments: JSON.stringify({ path: "/" }) },
          { id: "ok", name: "list_dir", arguments: "{}" }
        ]),
        textReply("I can only read.")
      )
      const before = fake.requests.length
      const { message, logged } = yield* askAndWait("Delete everything")
      expect(message.status).toBe("complete")
      expect(logged).toBe("I can only read.")
      const byId = new Map(message.tool_results.map((r) => [String(r.tool_call_id), r]))
      expect(byId.get("rm")?.error).toContain("unknown tool")
      expect(byId.get("ok")?.error).toBeNull()
      expect(byId.get("ok")?.output).toContain("README.md")
      expect(fake.requests.length - before).toBe(2)
      const sent = toolMessagesOf(fake.requests[fake.requests.length - 1].body)
      expect(sent.get("rm")).toMatch(/^Error: .*unknown tool/)
      expect(sent.get("ok")).toContain("README.md")
    })
  )

  it.scoped("stops an endless loop of the same call with the loop message", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      // the same call three times; key order and spacing do not make it a different call
      fake.enqueue(
        toolCallReply([{ id: "l1", name: "view_file", arguments: "{\"path\":\"README.md\",\"line_count\":5}" }], { text: "Again. " }),
        toolCallReply([{ id: "l2", name: "view_file", arguments: "{ \"line_count\": 5, \"path\": \"README.md\" }" }], { text: "Again. " }),
        toolCallReply([{ id: "l3", name: "view_file", arguments: "{\"path\":\"README.md\",\"line_count\":5}" }], { text: "Again. " })
      )
      const before = fake.requests.length
      const { message, logged } = yield* askAndWait("Read it")
      expect(message.status).toBe("failed")
      expect(message.error?.code).toBe("tool_loop")
      expect(message.error?.message).toBe("the model called view_file with the same arguments 3 times; stopped to avoid a loop")
      expect(message.tool_calls.map((c) => String(c.id))).toEqual(["l1", "l2"])
      expect(message.tool_results).toHaveLength(2)
      expect(message.content).toBe("Again. Again. Again. ")
      expect(logged).toBe(message.content)
      expect(fake.requests.length - before).toBe(3)
    })
  )

  it.scoped("fails after BOOCODE_MAX_TOOL_ROUNDS rounds of distinct calls", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const files = ["README.md", "src/main.ts", "src", "."]
      fake.enqueue(
        ...files.map((path, i) =>
          toolCallReply([{ id: `r${i}`, name: i < 2 ? "view_file" : "list_dir", arguments: JSON.stringify({ path }) }])
        )
      )
      const before = fake.requests.length
      const { message, logged } = yield* askAndWait("Explore")
      expect(message.status).toBe("failed")
      expect(message.error?.code).toBe("tool_rounds_exceeded")
      expect(message.error?.message).toContain("still calling tools after 4 rounds")
      expect(message.tool_calls.map((c) => String(c.id))).toEqual(["r0", "r1", "r2"])
      expect(message.tool_results.every((r) => r.error === null)).toBe(true)
      expect(message.content).toBe("")
      expect(logged).toBe("")
      expect(fake.requests.length - before).toBe(4)
    })
  )
})
