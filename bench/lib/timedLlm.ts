import { createServer, type ServerResponse } from "node:http"
import type { Socket } from "node:net"

/** What each POST /v1/chat/completions streams: `count` chunks, one every `intervalMs`. */
export interface Plan {
  readonly count: number
  readonly intervalMs: number
  /** The content of chunk `i` of request `request` (numbered from 0 in arrival order). */
  readonly chunk: (request: number, i: number) => string
  /** Called right after a chunk was handed to the socket (performance.now()). */
  readonly onSent?: (request: number, i: number, at: number) => void
}

export interface TimedLlm {
  readonly url: string
  setPlan(plan: Plan): void
  close(): Promise<void>
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

const frame = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 0, model: "fake-model", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`

/**
 * An OpenAI-compatible streaming server that keeps a steady pace (each chunk is due at
 * start + i × interval, so a late timer does not slow the rest) and reports when every chunk left.
 * Unlike test/support/fakeLlm, whose scripts are fixed lists of steps, it stamps send times.
 */
export const startTimedLlm = async (): Promise<TimedLlm> => {
  let plan: Plan = { count: 1, intervalMs: 0, chunk: () => "Hello." }
  let requests = 0
  const sockets = new Set<Socket>()

  const stream = async (res: ServerResponse, request: number, current: Plan) => {
    res.socket?.setNoDelay(true)
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" })
    res.write(frame({ role: "assistant", content: "" }))
    const start = performance.now()
    for (let i = 0; i < current.count; i++) {
      const due = start + i * current.intervalMs
      const wait = due - performance.now()
      if (wait > 1) await sleep(wait)
      if (res.destroyed) return
      res.write(frame({ content: current.chunk(request, i) }))
      current.onSent?.(request, i, performance.now())
    }
    res.write(frame({}, "stop"))
    res.write(`data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 0, model: "fake-model", choices: [], usage: { prompt_tokens: 10, completion_tokens: current.count, total_tokens: current.count + 10 } })}\n\n`)
    res.end("data: [DONE]\n\n")
  }

  const server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (b: Buffer) => chunks.push(b))
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0]
      if (req.method === "POST" && path === "/v1/chat/completions") {
        void stream(res, requests++, plan).catch(() => res.destroy())
        return
      }
      res.writeHead(path === "/props" ? 200 : path === "/v1/models" ? 200 : 404, { "content-type": "application/json" })
      if (path === "/props") res.end(JSON.stringify({ default_generation_settings: { n_ctx: 32768 } }))
      else if (path === "/v1/models") res.end(JSON.stringify({ object: "list", data: [{ id: "fake-model", object: "model" }] }))
      else res.end(JSON.stringify({ error: { code: 404, message: "not found" } }))
    })
  })
  server.on("connection", (s) => {
    sockets.add(s)
    s.on("close", () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  if (address === null || typeof address === "string") throw new Error("timed LLM: no TCP address")
  return {
    url: `http://127.0.0.1:${address.port}`,
    setPlan: (next) => {
      plan = next
      requests = 0
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
}

/** A client reading the LLM directly (the limit for relay latency): calls onText with each content piece. */
export const readDirect = async (url: string, onText: (text: string) => void): Promise<void> => {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "fake-model", stream: true, messages: [{ role: "user", content: "hi" }] })
  })
  if (response.body === null) throw new Error("no body")
  const decoder = new TextDecoder()
  let buffer = ""
  const reader = response.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    buffer += decoder.decode(value, { stream: true })
    let cut = buffer.indexOf("\n\n")
    while (cut >= 0) {
      const line = buffer.slice(0, cut)
      buffer = buffer.slice(cut + 2)
      cut = buffer.indexOf("\n\n")
      if (!line.startsWith("data: ") || line === "data: [DONE]") continue
      const parsed: unknown = JSON.parse(line.slice(6))
      const content = contentOf(parsed)
      if (content !== "") onText(content)
    }
  }
}

const contentOf = (chunk: unknown): string => {
  if (typeof chunk !== "object" || chunk === null) return ""
  const choices: unknown = Reflect.get(chunk, "choices")
  if (!Array.isArray(choices) || choices.length === 0) return ""
  const first: unknown = choices[0]
  if (typeof first !== "object" || first === null) return ""
  const delta: unknown = Reflect.get(first, "delta")
  if (typeof delta !== "object" || delta === null) return ""
  const content: unknown = Reflect.get(delta, "content")
  return typeof content === "string" ? content : ""
}
