import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { applyChunk, finishStream, initialStreamState, type StreamState } from "../../../src/infra/llm/streamState.ts"
import { addToolCallDelta, emptyToolCalls, finishToolCalls } from "../../../src/infra/llm/toolCallAccumulator.ts"
import type { CompletionChunk } from "../../../src/infra/llm/wireSchemas.ts"

const chunk = (fields: Record<string, unknown>): CompletionChunk => ({ id: "c1", object: "chat.completion.chunk", ...fields }) as CompletionChunk

const run = (chunks: ReadonlyArray<CompletionChunk>) => {
  let state: StreamState = initialStreamState
  const events: Array<unknown> = []
  for (const c of chunks) {
    const [next, out] = applyChunk(state, c)
    state = next
    events.push(...out)
  }
  return { state, events }
}

describe("tool calls gathered from deltas", () => {
  it("joins a call's arguments split across chunks, by index", () => {
    const slots = [
      { index: 0, id: "call_a", function: { name: "grep", arguments: "{\"pat" } },
      { index: 0, function: { arguments: "tern\":\"x\"}" } }
    ].reduce(addToolCallDelta, emptyToolCalls)
    expect(finishToolCalls(slots)).toEqual([{ id: "call_a", name: "grep", arguments: "{\"pattern\":\"x\"}" }])
  })

  it("keeps two calls apart when a server repeats index 0 with a new id", () => {
    const slots = [
      { index: 0, id: "a", function: { name: "grep", arguments: "{}" } },
      { index: 0, id: "b", function: { name: "list_dir", arguments: "{}" } }
    ].reduce(addToolCallDelta, emptyToolCalls)
    expect(finishToolCalls(slots).map((c) => [c.id, c.name])).toEqual([["a", "grep"], ["b", "list_dir"]])
  })

  it("without index or id: a name starts a call, a nameless delta continues the last; missing ids and arguments are filled", () => {
    const slots = [
      { function: { name: "view_file", arguments: "" } },
      { function: { name: "grep", arguments: "{\"pattern\":" } },
      { function: { arguments: "\"y\"}" } }
    ].reduce(addToolCallDelta, emptyToolCalls)
    expect(finishToolCalls(slots)).toEqual([
      { id: "call_0", name: "view_file", arguments: "{}" },
      { id: "call_1", name: "grep", arguments: "{\"pattern\":\"y\"}" }
    ])
  })

  it("takes arguments sent as an object (some servers do) as their JSON", () => {
    const slots = addToolCallDelta(emptyToolCalls, { index: 0, id: "a", function: { name: "grep", arguments: { pattern: "z" } } } as never)
    expect(finishToolCalls(slots)[0].arguments).toBe("{\"pattern\":\"z\"}")
  })
})

describe("a completion's chunks folded", () => {
  it("yields reasoning before text, and keeps the finish reason, usage, timings and model", () => {
    const { state, events } = run([
      chunk({ model: "qwen", choices: [{ index: 0, delta: { reasoning_content: "hmm", content: "Hel" } }] }),
      chunk({ choices: [{ index: 0, delta: { content: "lo" }, finish_reason: "stop" }] }),
      chunk({ choices: [], usage: { prompt_tokens: 10, completion_tokens: 3 }, timings: { predicted_per_second: 42.5, note: "x" } })
    ])
    expect(events.map((e) => [Reflect.get(Object(e), "_tag"), Reflect.get(Object(e), "text")])).toEqual([
      ["ReasoningDelta", "hmm"], ["TextDelta", "Hel"], ["TextDelta", "lo"]
    ])
    expect([state.finishReason, state.usage, state.timings, state.model]).toEqual([
      "stop", { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 }, { predicted_per_second: 42.5 }, "qwen"
    ])
  })

  it("keeps llama-swap's loading progress out of the answer", () => {
    const { state, events } = run([
      { choices: [{ delta: { reasoning_content: "━━━━━ loading model" } }] } as CompletionChunk,
      { choices: [{ delta: { reasoning_content: " 50%" } }] } as CompletionChunk,
      chunk({ choices: [{ index: 0, delta: { content: "Answer" } }] })
    ])
    expect(events.map((e) => Reflect.get(Object(e), "text"))).toEqual(["Answer"])
    expect(state.loadingNote).toBe("━━━━━ loading model 50%")
  })

  it("ends with the tool calls then Finished; a stream cut before any finish is an error", () => {
    const { state } = run([
      chunk({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: "t", function: { name: "grep", arguments: "{}" } }] } }] })
    ])
    expect(Either.isLeft(finishStream(state))).toBe(true)
    const ended = finishStream({ ...state, done: true })
    expect(Either.getOrThrow(ended).map((e) => e._tag)).toEqual(["ToolCalls", "Finished"])
    expect(Reflect.get(Either.getOrThrow(ended)[1], "finish_reason")).toBe("tool_calls")
  })
})
