import { chunk, delta, done, type Script, splitChars, type Step } from "./script.ts"

export interface UsageShape {
  readonly prompt_tokens: number
  readonly completion_tokens: number
  readonly total_tokens?: number
}

export interface TextReplyOptions {
  readonly chunkChars?: number
  readonly delayMs?: number
  readonly usage?: UsageShape
  /** "final": a last chunk with empty choices (OpenAI, llama.cpp); "finish": on the finish chunk. */
  readonly usageOn?: "final" | "finish"
  readonly timings?: Readonly<Record<string, number>>
  readonly finishReason?: string
  readonly splitBytes?: number
}

const interleave = (steps: ReadonlyArray<Step>, delayMs: number): Array<Step> =>
  delayMs > 0 ? steps.flatMap((s) => [s, { delayMs }]) : [...steps]

/** The steps that close a completion: finish chunk (with timings/usage), usage chunk, [DONE]. */
export const closing = (finishReason: string, options: TextReplyOptions = {}): Array<Step> => {
  const usageOn = options.usageOn ?? "final"
  const finishExtra = {
    ...(options.timings ? { timings: options.timings } : {}),
    ...(options.usage && usageOn === "finish" ? { usage: options.usage } : {})
  }
  return [
    chunk([{ index: 0, delta: {}, finish_reason: finishReason }], finishExtra),
    ...(options.usage && usageOn === "final" ? [chunk([], { usage: options.usage })] : []),
    done
  ]
}

export const textSteps = (text: string, options: TextReplyOptions = {}): Array<Step> =>
  interleave(splitChars(text, options.chunkChars ?? 4).map((c) => delta({ content: c })), options.delayMs ?? 0)

export const textReply = (text: string, options: TextReplyOptions = {}): Script => ({
  steps: [
    delta({ role: "assistant", content: null }),
    ...textSteps(text, options),
    ...closing(options.finishReason ?? "stop", options)
  ],
  ...(options.splitBytes !== undefined ? { splitBytes: options.splitBytes } : {})
})

export interface FakeToolCall {
  readonly id?: string
  readonly name: string
  readonly arguments: string
}

/** Streams tool calls the OpenAI way: a header chunk per call, then argument pieces by index. */
export const toolCallReply = (
  calls: ReadonlyArray<FakeToolCall>,
  options: { readonly splitArgs?: number; readonly text?: string; readonly omitIndex?: boolean; readonly omitId?: boolean } = {}
): Script => {
  const piece = (index: number, call: object) =>
    delta({ tool_calls: [{ ...(options.omitIndex ? {} : { index }), ...call }] })
  const steps = calls.flatMap((call, index) => [
    piece(index, {
      ...(options.omitId || call.id === undefined ? {} : { id: call.id }),
      type: "function",
      function: { name: call.name, arguments: "" }
    }),
    ...splitChars(call.arguments, options.splitArgs ?? 5).map((args) => piece(index, { function: { arguments: args } }))
  ])
  return {
    steps: [
      delta({ role: "assistant", content: null }),
      ...(options.text ? textSteps(options.text) : []),
      ...steps,
      ...closing("tool_calls")
    ]
  }
}

/** Ollama: every call whole in one chunk, often without `index`, finish_reason "stop". */
export const ollamaWholeToolCall = (
  calls: ReadonlyArray<FakeToolCall>,
  options: { readonly withIndex?: boolean } = {}
): Script => ({
  steps: [
    delta({
      role: "assistant",
      content: "",
      tool_calls: calls.map((c, index) => ({
        ...(options.withIndex ? { index } : {}),
        ...(c.id !== undefined ? { id: c.id } : {}),
        type: "function",
        function: { name: c.name, arguments: c.arguments }
      }))
    }),
    ...closing("stop", { usage: { prompt_tokens: 10, completion_tokens: 5 }, usageOn: "finish" })
  ]
})

/** Reasoning first (llama.cpp `reasoning_content`, vLLM/Ollama `reasoning`), then the answer. */
export const reasoningReply = (
  reasoning: string,
  text: string,
  options: { readonly field?: "reasoning_content" | "reasoning" } = {}
): Script => ({
  steps: [
    ...splitChars(reasoning, 4).map((r) => delta({ [options.field ?? "reasoning_content"]: r, content: null })),
    ...textSteps(text),
    ...closing("stop")
  ]
})

/** Some text, then `data: {"error": ...}` inside the stream (llama.cpp style), then the end. */
export const errorMidStream = (textBefore: string, message: string): Script => ({
  steps: [
    ...textSteps(textBefore),
    { chunk: { error: { code: 500, message, type: "server_error" } } },
    done
  ]
})

/** An error JSON as the body of a 200. */
export const errorBody200 = (message: string): Script => ({
  status: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ error: { code: 500, message, type: "server_error" } }),
  steps: []
})

/** llama-server while it loads a model. */
export const loading503 = (): Script => ({
  status: 503,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ error: { code: 503, message: "Loading model", type: "unavailable_error" } }),
  steps: []
})

/** llama-server when the prompt does not fit. */
export const contextOverflow400 = (nCtx = 4096, nPrompt = 5000): Script => ({
  status: 400,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({
    error: {
      code: 400,
      message: `the request exceeds the available context size (${nPrompt} tokens, context size ${nCtx}), try increasing it`,
      type: "exceed_context_size_error",
      n_prompt_tokens: nPrompt,
      n_ctx: nCtx
    }
  }),
  steps: []
})

/** Some text, then silence for `ms`, then the rest. */
export const stall = (ms: number, textBefore = "Thinking", textAfter = " done."): Script => ({
  steps: [...textSteps(textBefore), { delayMs: ms }, ...textSteps(textAfter), ...closing("stop")]
})

/** Valid text interleaved with lines a parser must skip. */
export const garbledLines = (text: string): Script => ({
  steps: [
    { raw: "data: {not json at all\n\n" },
    ...textSteps(text).flatMap((s, i) => (i === 1 ? [s, { raw: "data: 42\n\n" }, { raw: "data: {\"choices\": \"nope\"}\n\n" }] : [s])),
    { raw: "event: unknown\ndata: \n\n" },
    { raw: "retry: 1000\n\n" },
    ...closing("stop")
  ]
})

/** Some text, then the socket is destroyed. */
export const resetMidStream = (textBefore: string): Script => ({
  steps: [...textSteps(textBefore), { delayMs: 20 }, { destroy: true }]
})

/** Frames written with CRLF line endings and `: ping` comments between them. */
export const crlfWithPings = (text: string): Script => ({
  steps: [
    { raw: ": ping\r\n\r\n" },
    ...textSteps(text).flatMap((s) =>
      "chunk" in s ? [{ raw: `data: ${JSON.stringify(s.chunk)}\r\n\r\n` }, { raw: ": ping\r\n\r\n" }] : [s]
    ),
    { raw: "data: [DONE]\r\n\r\n" }
  ]
})

/** A long reply that streams slowly, to be interrupted. */
export const slowReply = (pieces: number, delayMs: number): Script => ({
  steps: [
    ...Array.from({ length: pieces }, (_, i): Array<Step> => [delta({ content: `piece ${i} ` }), { delayMs }]).flat(),
    ...closing("stop")
  ]
})

/** `count` keep-alive comments, `everyMs` apart. */
export const pings = (count: number, everyMs: number): Array<Step> =>
  Array.from({ length: count }, (): Array<Step> => [{ raw: ": ping\n\n" }, { delayMs: everyMs }]).flat()

/** Some text (none by default), then only keep-alive comments, then the end without [DONE]. */
export const textThenPings = (text: string, count: number, everyMs: number): Script => ({
  steps: [...(text === "" ? [] : [delta({ role: "assistant", content: null }), ...textSteps(text)]), ...pings(count, everyMs)]
})

/** Old llama.cpp: an error as a bare `error: {...}` line (no `data:`) on a 200 event stream. */
export const llamaCppErrorLine = (textBefore: string, message: string, type = "server_error"): Script => ({
  steps: [...textSteps(textBefore), { raw: `error: ${JSON.stringify({ code: 500, message, type })}\n\n` }]
})

/** An `event: error` frame whose data is plain text, not JSON. */
export const errorEventText = (textBefore: string, text: string): Script => ({
  steps: [...textSteps(textBefore), { raw: `event: error\ndata: ${text}\n\n` }]
})

/** A 503 from an overloaded server or a proxy, with Retry-After when given. */
export const busy503 = (message: string, retryAfter?: string): Script => ({
  status: 503,
  headers: { "content-type": "application/json", ...(retryAfter !== undefined ? { "retry-after": retryAfter } : {}) },
  body: JSON.stringify({ error: { code: 503, message, type: "unavailable_error" } }),
  steps: []
})

/** A bare chunk as llama-swap writes its loading progress: no id, object, index or finish_reason. */
export const bareReasoning = (text: string): Step => ({ chunk: { choices: [{ delta: { reasoning_content: text } }] } })

/** llama-swap with sendLoadingState: its loading progress (banner, model, dots, Done!), then `reply`. */
export const llamaSwapLoading = (model: string, reply: Script): Script => ({
  ...reply,
  steps: [
    ...["━━━━━", "\n", "llama-swap loading model: ", model, "\n", ".", ".", "\n", "Done! (1.52s)", "\n", "━━━━━", "\n", " ", "\n"]
      .map(bareReasoning),
    ...reply.steps
  ]
})

/** llama-swap when the model fails to load after its progress began: its JSON error as a bare line. */
export const llamaSwapLoadFailure = (model: string, message: string): Script => ({
  steps: [
    ...llamaSwapLoading(model, { steps: [] }).steps,
    { raw: JSON.stringify({ src: "llama-swap", error: { message, type: "server_error", param: null, code: "internal_error" } }) }
  ]
})
