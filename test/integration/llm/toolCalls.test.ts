import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { delta, done, FakeLlmServer, fakeLlmLayer, ollamaWholeToolCall, toolCallReply } from "../../support/fakeLlm/index.ts"
import { collect, finishedOf, textOf, toolCallsOf } from "./support.ts"

layer(fakeLlmLayer, { excludeTestServices: true })("LlmClient.streamChat: tool calls", (it) => {
  it.effect("one call with arguments split across chunks, emitted once after the text", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      const args = JSON.stringify({ path: "src/é/main.ts", start: 1, end: 40 })
      fake.enqueue(toolCallReply([{ id: "call_abc", name: "view_file", arguments: args }], { splitArgs: 3, text: "Let me look." }))
      const events = yield* collect(fake)
      expect(textOf(events)).toBe("Let me look.")
      expect(events.slice(-2).map((e) => e._tag)).toEqual(["ToolCalls", "Finished"])
      expect(toolCallsOf(events)).toEqual([{ id: "call_abc", name: "view_file", arguments: args }])
      expect(finishedOf(events).finish_reason).toBe("tool_calls")
    }))

  it.effect("two parallel calls stay apart by index, in order", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      const a = JSON.stringify({ pattern: "TODO" })
      const b = JSON.stringify({ path: "." })
      fake.enqueue(toolCallReply([{ id: "call_1", name: "grep", arguments: a }, { id: "call_2", name: "list_dir", arguments: b }], { splitArgs: 2 }))
      expect(toolCallsOf(yield* collect(fake))).toEqual([
        { id: "call_1", name: "grep", arguments: a },
        { id: "call_2", name: "list_dir", arguments: b }
      ])
    }))

  it.effect("interleaved argument pieces of two calls are accumulated by index", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue({
        steps: [
          delta({ tool_calls: [{ index: 0, id: "c0", type: "function", function: { name: "grep", arguments: "" } }] }),
          delta({ tool_calls: [{ index: 1, id: "c1", type: "function", function: { name: "list_dir", arguments: "{\"pa" } }] }),
          delta({ tool_calls: [{ index: 0, function: { arguments: "{\"pattern\":" } }] }),
          delta({ tool_calls: [{ index: 1, function: { arguments: "th\":\".\"}" } }] }),
          delta({ tool_calls: [{ index: 0, function: { arguments: "\"x\"}" } }] }, "tool_calls"),
          done
        ]
      })
      expect(toolCallsOf(yield* collect(fake))).toEqual([
        { id: "c0", name: "grep", arguments: "{\"pattern\":\"x\"}" },
        { id: "c1", name: "list_dir", arguments: "{\"path\":\".\"}" }
      ])
    }))

  it.effect("Ollama: whole calls in one chunk without index, finish_reason stop", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(ollamaWholeToolCall([
        { id: "call_x1", name: "find_files", arguments: "{\"glob\":\"*.ts\"}" },
        { id: "call_x2", name: "grep", arguments: "{\"pattern\":\"a\"}" }
      ]))
      const events = yield* collect(fake)
      expect(toolCallsOf(events)).toEqual([
        { id: "call_x1", name: "find_files", arguments: "{\"glob\":\"*.ts\"}" },
        { id: "call_x2", name: "grep", arguments: "{\"pattern\":\"a\"}" }
      ])
      expect(finishedOf(events).finish_reason).toBe("stop")
    }))

  it.effect("arguments sent as an object are turned into JSON text", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue({
        steps: [
          delta({ tool_calls: [{ function: { name: "list_dir", arguments: { path: "src" } } }] }, "tool_calls"),
          done
        ]
      })
      expect(toolCallsOf(yield* collect(fake))).toEqual([{ id: "call_0", name: "list_dir", arguments: "{\"path\":\"src\"}" }])
    }))

  it.effect("missing index and id: ids are synthesised, continuations join the last call", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue(toolCallReply([
        { name: "grep", arguments: "{\"pattern\":\"foo\"}" },
        { name: "list_dir", arguments: "{}" }
      ], { omitIndex: true, omitId: true, splitArgs: 4 }))
      expect(toolCallsOf(yield* collect(fake))).toEqual([
        { id: "call_0", name: "grep", arguments: "{\"pattern\":\"foo\"}" },
        { id: "call_1", name: "list_dir", arguments: "{}" }
      ])
    }))

  it.effect("a call with index but no id gets a stable synthetic id; empty arguments become {}", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue({
        steps: [
          delta({ tool_calls: [{ index: 0, function: { name: "list_dir", arguments: "" } }] }),
          delta({ tool_calls: [{ index: 1, function: { name: "grep", arguments: "{\"pattern\":" } }] }),
          delta({ tool_calls: [{ index: 1, function: { arguments: "\"z\"}" } }] }, "tool_calls"),
          done
        ]
      })
      expect(toolCallsOf(yield* collect(fake))).toEqual([
        { id: "call_0", name: "list_dir", arguments: "{}" },
        { id: "call_1", name: "grep", arguments: "{\"pattern\":\"z\"}" }
      ])
    }))

  it.effect("servers that repeat index 0 for parallel calls are told apart by id", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue({
        steps: [
          delta({ tool_calls: [{ index: 0, id: "a", function: { name: "grep", arguments: "{}" } }] }),
          delta({ tool_calls: [{ index: 0, id: "b", function: { name: "list_dir", arguments: "{}" } }] }, "tool_calls"),
          done
        ]
      })
      expect(toolCallsOf(yield* collect(fake)).map((c) => c.id)).toEqual(["a", "b"])
    }))
})
