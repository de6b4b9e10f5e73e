/**
 * CPU of the LLM read path alone: `LLM_READ_SESSIONS` concurrent completions (streamChat, consumed
 * and dropped) from a paced fake LLM in another process, one TextDelta per read; prints µs per read.
 * LLM_BASE_URL names the fake LLM (e.g. bench/lib/timedLlm.ts started in its own process with a plan
 * of one token every few milliseconds), so its CPU is not counted here.
 */
import { Effect, Stream } from "effect"
import { LlmClient, LlmClientLive } from "../../src/infra/llm/LlmClient.ts"

const sessions = Number(process.env.LLM_READ_SESSIONS ?? "40")
const rounds = Number(process.env.LLM_READ_ROUNDS ?? "3")
const once = Effect.gen(function* () {
  const llm = yield* LlmClient
  let reads = 0
  const cpu = process.cpuUsage()
  yield* Effect.forEach(Array.from({ length: sessions }), () =>
    llm.streamChat({ model: "fake-model", messages: [{ role: "user", content: "hi" }], tools: [] }).pipe(
      Stream.runForEach((e) => Effect.sync(() => { if (e._tag === "TextDelta") reads++ }))
    ), { concurrency: "unbounded", discard: true })
  const used = process.cpuUsage(cpu)
  console.log(`${reads} reads: ${((used.user + used.system) / reads).toFixed(1)} µs per read (one TextDelta each)`)
})
await Effect.runPromise(Effect.repeatN(once, rounds - 1).pipe(Effect.provide(LlmClientLive)))
