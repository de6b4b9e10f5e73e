import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { makeCompletionReader } from "../../../src/infra/llm/completionReader.ts"
import { fastDeltas } from "../../../src/infra/llm/fastDeltas.ts"
import { LlmEvent } from "../../../src/infra/llm/LlmEvent.ts"
import { mergeDeltas } from "../../../src/infra/llm/mergeDeltas.ts"
import { applyChunk, finishStream, initialStreamState, type StreamState } from "../../../src/infra/llm/streamState.ts"
import { decodeChunk } from "../../../src/infra/llm/wireSchemas.ts"

/** After llama-swap's loading block, where the fast path applies. */
// The common frames name model "m": a state that has recorded it, as after the first frame.
const answering: StreamState = { ...initialStreamState, loading: "answer", model: "m" }

/** The careful path alone: Schema decode, then applyChunk. */
const careful = (value: unknown, state: StreamState = answering) => {
  const decoded = decodeChunk(value)
  return Either.isLeft(decoded) ? null : applyChunk(state, decoded.right)
}

const text = (t: string) => ({ _tag: "TextDelta", text: t })
const reasoning = (t: string) => ({ _tag: "ReasoningDelta", text: t })

const llamaCpp = (delta: object) => ({
  choices: [{ finish_reason: null, index: 0, delta }],
  created: 1_750_000_000,
  id: "chatcmpl-x",
  model: "m",
  system_fingerprint: "b1",
  object: "chat.completion.chunk"
})

/** Frames the fast path takes, with the events both paths must give. */
const common: ReadonlyArray<readonly [string, unknown, ReadonlyArray<object>]> = [
  ["llama.cpp content", llamaCpp({ content: "hi" }), [text("hi")]],
  ["role with content null", llamaCpp({ role: "assistant", content: null }), []],
  ["empty content", llamaCpp({ content: "" }), []],
  ["reasoning_content", llamaCpp({ reasoning_content: "think" }), [reasoning("think")]],
  ["reasoning (vLLM)", llamaCpp({ reasoning: "think" }), [reasoning("think")]],
  ["empty reasoning_content hides reasoning", llamaCpp({ reasoning_content: "", reasoning: "x" }), []],
  ["reasoning and content in one delta", llamaCpp({ reasoning_content: "r", content: "c" }), [reasoning("r"), text("c")]],
  ["two choices", { choices: [{ delta: { content: "a" } }, { index: 1, delta: { content: "b" } }] }, [text("a"), text("b")]],
  ["extra fields everywhere", { x: 1, choices: [{ logprobs: null, delta: { content: "e", role: 7, extra: [] } }] }, [text("e")]],
  ["delta null", { choices: [{ index: 0, delta: null }] }, []],
  ["no delta", { choices: [{ index: 0 }] }, []],
  ["no choices", { choices: [] }, []],
  ["usage and timings null", { choices: [{ delta: { content: "u" } }], usage: null, timings: null }, [text("u")]],
  ["tool_calls null", llamaCpp({ content: "t", tool_calls: null }), [text("t")]]
]

/** Frames the fast path must leave to the careful decode. */
const odd: ReadonlyArray<readonly [string, unknown]> = [
  ["a number as content", llamaCpp({ content: 5 })],
  ["an object as reasoning", llamaCpp({ reasoning_content: { a: 1 } })],
  ["a finish reason", { choices: [{ delta: {}, finish_reason: "stop" }] }],
  ["an empty finish reason", { choices: [{ delta: { content: "x" }, finish_reason: "" }] }],
  ["a number as finish reason", { choices: [{ delta: { content: "x" }, finish_reason: 3 }] }],
  ["tool calls", llamaCpp({ tool_calls: [{ index: 0, id: "c", function: { name: "f", arguments: "" } }] })],
  ["an empty tool call list", llamaCpp({ content: "x", tool_calls: [] })],
  ["usage", { choices: [], usage: { prompt_tokens: 1, completion_tokens: 2 } }],
  ["bad usage", { choices: [{ delta: { content: "x" } }], usage: "lots" }],
  ["timings", { choices: [{ delta: { content: "x" } }], timings: { prompt_n: 1 } }],
  ["a whole message", { choices: [{ message: { content: "whole" }, finish_reason: "stop" }] }],
  ["choices not a list", { choices: "nope" }],
  ["choices null", { choices: null }],
  ["a null choice", { choices: [null] }],
  ["a list as delta", { choices: [{ delta: ["content"] }] }],
  ["a string as delta", { choices: [{ delta: "hi" }] }],
  ["a list", [1, 2]],
  ["a number", 42],
  ["null", null],
  ["a second choice with a number", { choices: [{ delta: { content: "a" } }, { delta: { content: 1 } }] }]
]

/** mulberry32: a small seeded generator, so the random frames are the same on every run. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const ABSENT = Symbol("absent")
const pick = <A>(random: () => number, values: ReadonlyArray<A>): A => values[Math.floor(random() * values.length)]
const withFields = (random: () => number, pools: Record<string, ReadonlyArray<unknown>>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(pools).flatMap(([key, pool]) => {
      const value = pick(random, pool)
      return value === ABSENT ? [] : [[key, value]]
    })
  )

const textValues = [ABSENT, ABSENT, null, "", "tok", " ü🌍", 5, true, {}, ["x"]]
const randomFrame = (random: () => number): unknown => {
  const delta = () =>
    withFields(random, {
      content: textValues,
      reasoning_content: textValues,
      reasoning: textValues,
      role: [ABSENT, "assistant", 3],
      tool_calls: [ABSENT, ABSENT, ABSENT, null, [], [{ index: 0, function: { arguments: "{}" } }], "x"]
    })
  const choice = () =>
    withFields(random, {
      index: [ABSENT, 0, "0", null],
      delta: [delta(), delta(), delta(), null, ABSENT, [], "d"],
      message: [ABSENT, ABSENT, ABSENT, ABSENT, null, { content: "m" }],
      finish_reason: [ABSENT, null, null, null, "stop", "", 7]
    })
  const choices = Array.from({ length: pick(random, [0, 1, 1, 1, 1, 2, 3]) }, () => (random() < 0.03 ? null : choice()))
  return withFields(random, {
    id: [ABSENT, "chatcmpl-1", 12],
    object: [ABSENT, "chat.completion.chunk"],
    choices: [choices, choices, choices, choices, null, ABSENT, "c"],
    usage: [ABSENT, ABSENT, ABSENT, null, { prompt_tokens: 1, completion_tokens: 2 }, { prompt_tokens: "1" }],
    timings: [ABSENT, ABSENT, ABSENT, null, { prompt_n: 3 }],
    extra: [ABSENT, { nested: true }]
  })
}

describe("LlmClient: the fast path for common chunks", () => {
  it.each(common)("%s: the fast path gives what the careful decode gives", (_name, frame, expected) => {
    const fast = fastDeltas(frame, answering.model)
    const reference = careful(frame)
    expect(fast).toEqual(expected)
    expect(reference?.[1]).toEqual(expected)
    expect(reference?.[0]).toEqual(answering)
  })

  it.each(odd)("%s: left to the careful decode", (_name, frame) => {
    expect(fastDeltas(frame, answering.model)).toBeNull()
  })

  it("a model name the state does not hold yet goes the careful way, which records it; the same name again is fast", () => {
    const frame = { model: "qwen3-coder", choices: [{ index: 0, delta: { content: "hi" } }] }
    expect(fastDeltas(frame, null)).toBeNull()
    const [state, events] = careful(frame, { ...answering, model: null }) ?? []
    expect(state?.model).toBe("qwen3-coder")
    expect(fastDeltas(frame, "qwen3-coder")).toEqual(events)
  })

  it("2,000 seeded random frames: where the fast path answers, it equals the careful decode and leaves the state alone", () => {
    const random = seeded(20_251_201)
    let fast = 0
    let declined = 0
    for (let i = 0; i < 2000; i++) {
      const frame = randomFrame(random)
      const events = fastDeltas(frame, answering.model)
      if (events === null) {
        declined++
        continue
      }
      fast++
      const reference = careful(frame)
      expect(reference, JSON.stringify(frame)).not.toBeNull()
      expect(events, JSON.stringify(frame)).toEqual(reference?.[1])
      expect(reference?.[0], JSON.stringify(frame)).toEqual(answering)
    }
    // both sides are exercised: a generator that only made one kind would prove nothing
    expect(fast).toBeGreaterThan(100)
    expect(declined).toBeGreaterThan(100)
  })

  it("a whole body of common, odd and random frames gives the same events through the reader as through the careful path alone", () => {
    const random = seeded(7)
    const frames = Array.from({ length: 600 }, (_, i) =>
      i % 3 === 0 ? pick(random, common)[1] : i % 3 === 1 ? pick(random, odd)[1] : randomFrame(random))
    const body = frames.map((f) => `data: ${JSON.stringify(f)}\n\n`).join("") + "data: [DONE]\n\n"

    const reader = makeCompletionReader()
    const viaReader: Array<LlmEvent> = []
    // one frame per read, so the merge does not blur the comparison across frames
    for (const line of body.split(/(?<=\n\n)/)) viaReader.push(...(reader.read(new TextEncoder().encode(line))?.events ?? []))
    const closing = reader.closing()

    let state = initialStreamState
    const viaCareful: Array<LlmEvent> = []
    for (const frame of frames) {
      const result = careful(frame, state)
      if (result === null) continue
      state = result[0]
      viaCareful.push(...mergeDeltas(result[1])) // a frame is a read here: its choices join like a read's frames
    }
    expect(viaReader).toEqual(viaCareful)
    expect(viaCareful.length).toBeGreaterThan(50)
    expect(closing).toEqual(finishStream({ ...state, done: true }))
  })
})

describe("LlmClient: what one read brings is one piece", () => {
  it("neighbouring deltas of one kind join; kinds, tool calls and the finish keep their order", () => {
    const T = (t: string) => LlmEvent.TextDelta({ text: t })
    const R = (t: string) => LlmEvent.ReasoningDelta({ text: t })
    const calls = LlmEvent.ToolCalls({ calls: [{ id: "c", name: "f", arguments: "{}" }] })
    const finished = LlmEvent.Finished({ finish_reason: "stop", usage: null, timings: null, model: null })
    expect(mergeDeltas([R("a"), R("b"), T("c"), T("d"), R("e"), T("f"), calls, T("g"), T("h"), finished]))
      .toEqual([R("ab"), T("cd"), R("e"), T("f"), calls, T("gh"), finished])
    expect(mergeDeltas([T("only")])).toEqual([T("only")])
  })
})
