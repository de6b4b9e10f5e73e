import { describe, expect, it } from "vitest"
import { continuationOf, fitToContext, historyMessages, prefillRequest } from "../../../src/app/turns/buildPrompt.ts"
import { MessageId, ToolCallId } from "../../../src/domain/ids.ts"
import type { MessagePart, MessageSnapshot } from "../../../src/domain/session/message.ts"
import type { ChatMessage } from "../../../src/infra/llm/index.ts"

const id = (n: number) => MessageId.make(`00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`)

const message = (fields: Partial<MessageSnapshot>): MessageSnapshot => ({
  id: id(1), role: "assistant", content: "", reasoning: "", tool_calls: [], tool_results: [], status: "complete",
  error: null, finish_reason: "stop", usage: null, ctx_used: null, ctx_max: null, timings: null, model: null,
  started_at: "2025-06-01T12:00:00.000Z", finished_at: "2025-06-01T12:00:01.000Z", parts: [], ...fields
})

const call = (n: number, name: string) => ({ id: ToolCallId.make(`call_${n}`), name, args: `{"n":${n}}` })
const result = (n: number, output: string) => ({ tool_call_id: ToolCallId.make(`call_${n}`), output, truncated: false, error: null })
const text = (start: number, end: number): MessagePart => ({ type: "text", start, end })
const calls = (n: number): MessagePart => ({ type: "tool_call", tool_call_id: ToolCallId.make(`call_${n}`) })
const results = (n: number): MessagePart => ({ type: "tool_result", tool_call_id: ToolCallId.make(`call_${n}`) })

/** "Looking." list_dir → "Now grep." grep → "Found it." */
const threeRounds = message({
  content: "Looking.Now grep.Found it.",
  tool_calls: [call(1, "list_dir"), call(2, "grep")],
  tool_results: [result(1, "src/"), result(2, "src/a.ts:1")],
  parts: [text(0, 8), calls(1), results(1), text(8, 17), calls(2), results(2), text(17, 26)]
})

const wire = (n: number, name: string) => [{ id: `call_${n}`, type: "function", function: { name, arguments: `{"n":${n}}` } }]

describe("the history sent to the model", () => {
  it("repeats a three-round answer exactly as it happened: each round's text with its calls, then their results", () => {
    const user = message({ id: id(0), role: "user", content: "Where?", parts: [text(0, 6)] })
    expect(historyMessages([user, threeRounds])).toEqual([
      { role: "user", content: "Where?" },
      { role: "assistant", content: "Looking.", tool_calls: wire(1, "list_dir") },
      { role: "tool", tool_call_id: "call_1", content: "src/" },
      { role: "assistant", content: "Now grep.", tool_calls: wire(2, "grep") },
      { role: "tool", tool_call_id: "call_2", content: "src/a.ts:1" },
      { role: "assistant", content: "Found it." }
    ])
  })

  it("sends a failed tool's error as its result, and a call left without a result says so", () => {
    const m = message({
      tool_calls: [call(1, "view_file"), call(2, "grep")],
      tool_results: [{ ...result(1, ""), error: "no such file" }],
      parts: [calls(1), calls(2), results(1)]
    })
    expect(historyMessages([m]).filter((x) => x.role === "tool").map((x) => x.content)).toEqual(["Error: no such file", "Error: no result"])
  })

  it("reads a message without recorded parts (an old fork) as reasoning, calls with results, then text", () => {
    const old = message({ content: "Answer.", tool_calls: [call(1, "grep")], tool_results: [result(1, "hit")], parts: [] })
    expect(historyMessages([old]).map((m) => m.role)).toEqual(["assistant", "tool", "assistant"])
    expect(historyMessages([old]).at(-1)?.content).toBe("Answer.")
  })
})

describe("continuing a stopped answer", () => {
  it("ends with the text of the round it stopped in as the prefill; the finished rounds come before", () => {
    const stopped = message({ ...threeRounds, status: "cancelled", content: "Looking.Now grep.Found", parts: [...threeRounds.parts.slice(0, 6), text(17, 22)] })
    const { rounds, prefill } = continuationOf(stopped)
    expect(prefill).toBe("Found")
    expect(rounds.map((m) => m.role)).toEqual(["assistant", "tool", "assistant", "tool"])
  })

  it("has no prefill when it stopped right after a tool result", () => {
    const stopped = message({ ...threeRounds, content: "Looking.", parts: threeRounds.parts.slice(0, 3) })
    expect(continuationOf(stopped).prefill).toBe("")
  })

  it("asks each server style for the continuation its way", () => {
    expect(prefillRequest("Half", "llama")).toEqual({ messages: [{ role: "assistant", content: "Half" }], extra: {} })
    expect(prefillRequest("Half", "vllm").extra).toEqual({ continue_final_message: true, add_generation_prompt: false })
    expect(prefillRequest("Half", "none").messages.map((m) => m.role)).toEqual(["assistant", "user"])
    expect(prefillRequest("", "vllm")).toEqual({ messages: [], extra: {} })
  })
})

describe("fitting the prompt into the context", () => {
  const tool = (content: string): ChatMessage => ({ role: "tool", tool_call_id: "call_1", content })
  const prompt: Array<ChatMessage> = [
    { role: "system", content: "sys" },
    { role: "user", content: "first" },
    tool("x".repeat(4_000)),
    { role: "user", content: "second" },
    tool("y".repeat(4_000))
  ]

  it("leaves a prompt that fits, or any prompt when the context size is unknown, as it is", () => {
    expect(fitToContext(prompt, 10_000, 100)).toEqual(prompt)
    expect(fitToContext(prompt, null, 100)).toEqual(prompt)
  })

  it("shortens older tool outputs first and keeps the last exchange's whole", () => {
    const fitted = fitToContext(prompt, 1_400, 100)
    expect(fitted?.[2].content).toBe(`${"x".repeat(400)}\n[shortened to fit the context window]`)
    expect(fitted?.[4].content).toBe("y".repeat(4_000))
  })

  it("gives up (null) when even the shortened prompt does not fit", () => {
    expect(fitToContext(prompt, 600, 100)).toBeNull()
  })
})
