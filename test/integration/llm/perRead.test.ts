import { expect, layer } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { LlmClient } from "../../../src/infra/llm/LlmClient.ts"
import type { LlmEvent } from "../../../src/infra/llm/LlmEvent.ts"
import { closing, delta, done, FakeLlmServer, fakeLlmLayer, type Step, splitChars } from "../../support/fakeLlm/index.ts"
import { ask, clientLayer, collect, finishedOf, reasoningOf, textOf } from "./support.ts"

/** Several scripted frames as one raw step: the fake writes them in one TCP write. */
const oneWrite = (...steps: ReadonlyArray<Step>): Step => ({
  raw: steps.map((s) => ("chunk" in s ? `data: ${JSON.stringify(s.chunk)}\n\n` : "raw" in s ? s.raw : "")).join("")
})

const texts = (text: string, n: number) => splitChars(text, n).map((c) => delta({ content: c }))
const thoughts = (text: string, n: number) => splitChars(text, n).map((c) => delta({ reasoning_content: c, content: null }))

const tagsAndText = (events: ReadonlyArray<LlmEvent>) =>
  events.map((e) => (e._tag === "TextDelta" || e._tag === "ReasoningDelta" ? `${e._tag}:${e.text}` : e._tag))

layer(fakeLlmLayer, { excludeTestServices: true, timeout: 30_000 })("LlmClient.streamChat: one piece per upstream read", (it) => {
  it.effect("frames that arrive in one write become one TextDelta", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      const text = "twelve tokens of text written at once, ü 🌍."
      fake.enqueue({ steps: [oneWrite(delta({ role: "assistant", content: null }), ...texts(text, 4), ...closing("stop"))] })
      const events = yield* collect(fake)
      expect(tagsAndText(events)).toEqual([`TextDelta:${text}`, "Finished"])
    }))

  it.effect("reasoning, text, tool calls and the finish in one write keep their order; nothing after [DONE] is read", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      const call = (d: object) => delta({ tool_calls: [{ index: 0, ...d }] })
      fake.enqueue({
        steps: [oneWrite(
          ...thoughts("first I think", 3),
          ...texts("then I say", 3),
          ...thoughts(" and think again", 3),
          ...texts(" and say more.", 3),
          call({ id: "call_1", type: "function", function: { name: "grep", arguments: "" } }),
          call({ function: { arguments: "{\"pattern\":" } }),
          call({ function: { arguments: "\"TODO\"}" } }),
          ...closing("tool_calls"),
          delta({ content: "after the end" })
        )]
      })
      const events = yield* collect(fake)
      expect(tagsAndText(events)).toEqual([
        "ReasoningDelta:first I think",
        "TextDelta:then I say",
        "ReasoningDelta: and think again",
        "TextDelta: and say more.",
        "ToolCalls",
        "Finished"
      ])
      expect(events[4]).toMatchObject({ calls: [{ id: "call_1", name: "grep", arguments: "{\"pattern\":\"TODO\"}" }] })
      expect(finishedOf(events).finish_reason).toBe("tool_calls")
    }))

  it.effect("an error frame after text in the same write: the text comes out, then the failure", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      fake.enqueue({
        steps: [oneWrite(
          ...texts("kept before the error", 5),
          { chunk: { error: { code: 500, message: "the slot crashed", type: "server_error" } } },
          ...texts("never read", 5),
          done
        )]
      })
      const seen: Array<LlmEvent> = []
      const error = yield* Effect.gen(function*() {
        const llm = yield* LlmClient
        yield* Stream.runForEach(llm.streamChat(ask("x")), (e) => Effect.sync(() => void seen.push(e)))
      }).pipe(Effect.provide(clientLayer(fake.url)), Effect.flip)
      expect(error).toMatchObject({ _tag: "LlmStreamError", message: "the LLM server reported an error: the slot crashed" })
      expect(tagsAndText(seen)).toEqual(["TextDelta:kept before the error"])
    }))

  it.effect("many frames written in 7-byte pieces (tokens and UTF-8 characters cut) still give the exact text", () =>
    Effect.gen(function*() {
      const fake = yield* FakeLlmServer
      fake.reset()
      const thinking = "réflexion — 考え中 🤔 done"
      const text = "héllo 🌍 — ça marche, 日本語も大丈夫 ✓ and on and on"
      fake.enqueue({
        steps: [oneWrite(...thoughts(thinking, 2), ...texts(text, 3), ...closing("stop"))],
        splitBytes: 7
      })
      const events = yield* collect(fake)
      expect(reasoningOf(events)).toBe(thinking)
      expect(textOf(events)).toBe(text)
      // all reasoning comes before all text, as it was sent
      const kinds = events.map((e) => e._tag).filter((t) => t === "ReasoningDelta" || t === "TextDelta")
      expect(kinds.indexOf("TextDelta")).toBe(kinds.lastIndexOf("ReasoningDelta") + 1)
      expect(finishedOf(events).finish_reason).toBe("stop")
    }))
})
