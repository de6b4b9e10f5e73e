/**
 * CPU per token of the LLM client's read path alone: bytes of an SSE completion, already in
 * memory, through streamChat (text decoding, SSE parsing, chunk decoding, stream state) to
 * LlmEvents. No network, no database. `node --import tsx bench/llmParse.ts [tokens]`.
 * Prints microseconds per token for several frames-per-read (1 is a quiet upstream, more is
 * what one network read brings when the reader falls behind), next to the floor: the same body
 * read through the same client with nothing parsed.
 */
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { Duration, Effect, Option, Stream } from "effect"
import type { LlmConfig } from "../src/infra/llm/LlmConfig.ts"
import { makeStreamChat } from "../src/infra/llm/streamChat.ts"

const TOKENS = Number(process.argv[2] ?? 20_000)
const RUNS = 5

/** A llama.cpp-shaped content chunk, with the fields it really sends. */
const frame = (i: number) =>
  `data: ${JSON.stringify({
    choices: [{ finish_reason: null, index: 0, delta: { content: ` word${i % 97}` } }],
    created: 1_750_000_000,
    id: "chatcmpl-Qw3bench",
    model: "qwen2.5-coder-7b",
    system_fingerprint: "b5000-abcdef",
    object: "chat.completion.chunk"
  })}\n\n`

const closing = `data: ${JSON.stringify({
  choices: [{ finish_reason: "stop", index: 0, delta: {} }],
  created: 1_750_000_000,
  id: "chatcmpl-Qw3bench",
  model: "qwen2.5-coder-7b",
  object: "chat.completion.chunk",
  usage: { prompt_tokens: 100, completion_tokens: TOKENS, total_tokens: 100 + TOKENS }
})}\n\ndata: [DONE]\n\n`

/** The body as network reads of `perRead` frames each. */
const reads = (perRead: number): Array<Uint8Array> => {
  const encoder = new TextEncoder()
  const out: Array<Uint8Array> = []
  for (let i = 0; i < TOKENS; i += perRead) {
    let text = ""
    for (let j = i; j < Math.min(TOKENS, i + perRead); j++) text += frame(j)
    out.push(encoder.encode(text))
  }
  out.push(encoder.encode(closing))
  return out
}

const config: LlmConfig = {
  baseUrl: "http://bench.invalid",
  apiKey: Option.none(),
  connectTimeout: Duration.seconds(10),
  firstByteTimeout: Duration.seconds(60),
  idleTimeout: Duration.seconds(60),
  loadingRetries: 0,
  loadingBackoff: Duration.seconds(1)
}

const clientFor = (body: ReadonlyArray<Uint8Array>) =>
  HttpClient.make((request) =>
    Effect.sync(() => {
      let next = 0
      const stream = new ReadableStream<Uint8Array>({
        pull: (controller) => {
          if (next < body.length) controller.enqueue(body[next++])
          else controller.close()
        }
      })
      return HttpClientResponse.fromWeb(request, new Response(stream, { headers: { "content-type": "text/event-stream" } }))
    })
  )

const runOnce = (body: ReadonlyArray<Uint8Array>) =>
  Effect.gen(function*() {
    const streamChat = makeStreamChat(clientFor(body), config)
    const started = process.cpuUsage()
    let chars = 0
    let events = 0
    yield* streamChat({ model: null, messages: [{ role: "user", content: "hi" }], tools: [] }).pipe(
      Stream.runForEach((e) =>
        Effect.sync(() => {
          events++
          if (e._tag === "TextDelta") chars += e.text.length
        })
      )
    )
    const used = process.cpuUsage(started)
    return { micros: used.user + used.system, chars, events }
  })

/** The floor: only reading the in-memory body through the HTTP client, nothing parsed. */
const drainOnce = (body: ReadonlyArray<Uint8Array>) =>
  Effect.gen(function*() {
    const response = yield* clientFor(body).get(config.baseUrl)
    const started = process.cpuUsage()
    yield* Stream.runDrain(response.stream)
    const used = process.cpuUsage(started)
    return used.user + used.system
  })

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const main = Effect.gen(function*() {
  const expectedChars = Array.from({ length: TOKENS }, (_, i) => ` word${i % 97}`.length).reduce((a, b) => a + b, 0)
  console.log(`${TOKENS} tokens, median of ${RUNS} runs, CPU (user+system) per token`)
  for (const perRead of [1, 4, 16]) {
    const body = reads(perRead)
    yield* runOnce(body) // warm-up
    const samples: Array<number> = []
    let events = 0
    for (let r = 0; r < RUNS; r++) {
      const run = yield* runOnce(body)
      if (run.chars !== expectedChars) throw new Error(`got ${run.chars} chars of text, expected ${expectedChars}`)
      samples.push(run.micros / TOKENS)
      events = run.events
    }
    const floor: Array<number> = []
    for (let r = 0; r < RUNS; r++) floor.push((yield* drainOnce(body)) / TOKENS)
    console.log(
      `${String(perRead).padStart(3)} frames per read: ${median(samples).toFixed(2)} µs/token, ${events} LlmEvents` +
        ` (reading the body alone: ${median(floor).toFixed(2)} µs/token)`
    )
  }
})

Effect.runPromise(main).catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
