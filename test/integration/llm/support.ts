import { Chunk, ConfigProvider, Effect, Layer, Stream } from "effect"
import type { ChatRequest } from "../../../src/infra/llm/ChatRequest.ts"
import { LlmClient, LlmClientLive } from "../../../src/infra/llm/LlmClient.ts"
import type { LlmEvent } from "../../../src/infra/llm/LlmEvent.ts"
import type { FakeLlm } from "../../support/fakeLlm/index.ts"

/** LlmClient pointed at the fake server, with extra LLM_* settings (small timeouts...). */
export const clientLayer = (url: string, settings: Readonly<Record<string, string>> = {}) =>
  LlmClientLive.pipe(
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries({ LLM_BASE_URL: url, ...settings })))))
  )

export const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "fake-model",
  messages: [{ role: "user", content }],
  tools: [],
  ...extra
})

/** Streams a request against the fake and collects every event. */
export const collect = (fake: FakeLlm, req: ChatRequest = ask("hi"), settings: Readonly<Record<string, string>> = {}) =>
  Effect.gen(function*() {
    const llm = yield* LlmClient
    return Chunk.toReadonlyArray(yield* Stream.runCollect(llm.streamChat(req)))
  }).pipe(Effect.provide(clientLayer(fake.url, settings)))

export const textOf = (events: ReadonlyArray<LlmEvent>) =>
  events.flatMap((e) => (e._tag === "TextDelta" ? [e.text] : [])).join("")

export const reasoningOf = (events: ReadonlyArray<LlmEvent>) =>
  events.flatMap((e) => (e._tag === "ReasoningDelta" ? [e.text] : [])).join("")

export const finishedOf = (events: ReadonlyArray<LlmEvent>) => {
  const last = events[events.length - 1]
  if (last?._tag !== "Finished") throw new Error(`last event is ${last?._tag}, not Finished`)
  return last
}

export const toolCallsOf = (events: ReadonlyArray<LlmEvent>) =>
  events.flatMap((e) => (e._tag === "ToolCalls" ? e.calls : []))
