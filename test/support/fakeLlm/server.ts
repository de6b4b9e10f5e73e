import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http"
import type { Socket } from "node:net"
import { textReply } from "./builders.ts"
import type { Script } from "./script.ts"

export interface RecordedRequest {
  readonly method: string
  readonly path: string
  /** Parsed JSON when the body is JSON, else the raw text. */
  readonly body: unknown
  readonly headers: IncomingHttpHeaders
  /** Date.now() when the request arrived. */
  readonly receivedAt: number
}

export interface FakeModel {
  readonly id: string
  readonly [field: string]: unknown
}

export interface FakeLlm {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string
  /** Served FIFO, one per POST /v1/chat/completions; an empty queue answers a short default reply. */
  enqueue(...scripts: ReadonlyArray<Script>): void
  /** Every POST /v1/chat/completions received. */
  readonly requests: Array<RecordedRequest>
  /** Every request of any kind (props, models...). */
  readonly allRequests: Array<RecordedRequest>
  /** Connections the client closed before their script finished. */
  readonly closedEarly: number
  /** Resolves true once closedEarly >= n, false after timeoutMs. */
  waitClosedEarly(n: number, timeoutMs?: number): Promise<boolean>
  setModels(models: ReadonlyArray<string | FakeModel>): void
  /** n_ctx served by GET /props; null answers 404. */
  setProps(nCtx: number | null): void
  /** n_ctx served by GET /upstream/{model}/props; null answers 404 (the default). */
  setUpstreamProps(model: string, nCtx: number | null): void
  /** Answers GET `path` with `route` before any built-in route; null removes it. Cleared by reset(). */
  setRoute(path: string, route: FakeRoute | null): void
  /** Clears the queue and the recorded requests and restores the defaults. */
  reset(): void
  close(): Promise<void>
}

/** A fixed answer for one GET path (llama-swap's /running, Ollama's /api/ps, a broken /v1/models...). */
export interface FakeRoute {
  readonly status: number
  /** Sent as is; an object is sent as JSON. */
  readonly body: string | object
  readonly contentType?: string
  /** Wait this long before answering (a server that hangs). */
  readonly delayMs?: number
}

export const DEFAULT_REPLY = "Hello from the fake LLM."

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const parts: Array<Buffer> = []
    req.on("data", (b: Buffer) => parts.push(b))
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")))
    req.on("error", reject)
  })

const parseMaybeJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

const json = (res: ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { "content-type": "application/json" })
  res.end(JSON.stringify(value))
}

const propsBody = (nCtx: number) => ({
  default_generation_settings: { n_ctx: nCtx, params: {} },
  total_slots: 1,
  model_path: "/models/fake.gguf"
})

/** Writes one piece, waiting for the socket when it is full; false once the client is gone. */
const write = (res: ServerResponse, data: Buffer): Promise<boolean> =>
  new Promise((resolve) => {
    if (res.destroyed || res.writableEnded) return resolve(false)
    res.write(data, (err) => resolve(err == null))
  })

/** Serves a script; `progress.finished` turns true just before the server itself ends or destroys. */
const serveScript = async (res: ServerResponse, script: Script, progress: { finished: boolean }): Promise<void> => {
  res.socket?.setNoDelay(true)
  if (script.body !== undefined) {
    progress.finished = true
    res.writeHead(script.status ?? 200, { "content-type": "application/json", ...script.headers })
    res.end(script.body)
    return
  }
  res.writeHead(script.status ?? 200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
    ...script.headers
  })
  res.flushHeaders()
  for (const step of script.steps) {
    if (res.destroyed) return
    if ("delayMs" in step) {
      await sleep(step.delayMs)
      continue
    }
    if ("destroy" in step) {
      progress.finished = true
      res.socket?.destroy()
      return
    }
    const frame = Buffer.from("raw" in step ? step.raw : `data: ${JSON.stringify(step.chunk)}\n\n`, "utf8")
    const size = script.splitBytes ?? frame.length
    for (let i = 0; i < frame.length; i += size) {
      if (!(await write(res, frame.subarray(i, i + size)))) return
      if (script.splitBytes !== undefined) await sleep(1)
    }
  }
  if (res.destroyed) return
  progress.finished = true
  res.end()
}

export const startFakeLlm = async (): Promise<FakeLlm> => {
  const queue: Array<Script> = []
  const requests: Array<RecordedRequest> = []
  const allRequests: Array<RecordedRequest> = []
  let closedEarly = 0
  let models: ReadonlyArray<string | FakeModel> = ["fake-model"]
  let props: number | null = 8192
  const upstreamProps = new Map<string, number | null>()
  const routes = new Map<string, FakeRoute>()
  const waiters = new Set<() => void>()
  const sockets = new Set<Socket>()

  const handleChat = async (res: ServerResponse) => {
    const script = queue.shift() ?? textReply(DEFAULT_REPLY)
    const progress = { finished: false }
    res.on("close", () => {
      if (!progress.finished) {
        closedEarly++
        for (const wake of waiters) wake()
      }
    })
    await serveScript(res, script, progress)
  }

  const server = createServer((req, res) => {
    void (async () => {
      const receivedAt = Date.now()
      const text = await readBody(req)
      const path = (req.url ?? "/").split("?")[0]
      const recorded: RecordedRequest = { method: req.method ?? "GET", path, body: parseMaybeJson(text), headers: req.headers, receivedAt }
      allRequests.push(recorded)
      const route = req.method === "GET" ? routes.get(path) : undefined
      if (route !== undefined) {
        if (route.delayMs !== undefined) await sleep(route.delayMs)
        res.writeHead(route.status, { "content-type": route.contentType ?? "application/json" })
        return void res.end(typeof route.body === "string" ? route.body : JSON.stringify(route.body))
      }
      if (req.method === "POST" && path === "/v1/chat/completions") {
        requests.push(recorded)
        return handleChat(res)
      }
      if (req.method === "GET" && path === "/v1/models") {
        return json(res, 200, {
          object: "list",
          data: models.map((m) => (typeof m === "string" ? { id: m, object: "model", owned_by: "fake" } : { object: "model", ...m }))
        })
      }
      if (req.method === "GET" && path === "/props") {
        return props === null ? json(res, 404, { error: { code: 404, message: "File Not Found" } }) : json(res, 200, propsBody(props))
      }
      const upstream = /^\/upstream\/(.+)\/props$/.exec(path)
      if (req.method === "GET" && upstream) {
        const nCtx = upstreamProps.get(decodeURIComponent(upstream[1])) ?? null
        return nCtx === null ? json(res, 404, { error: "no such model" }) : json(res, 200, propsBody(nCtx))
      }
      json(res, 404, { error: { code: 404, message: `no route ${req.method} ${path}` } })
    })().catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: { code: 500, message: String(err) } })
      else res.destroy()
    })
  })
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
  })

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  if (address === null || typeof address === "string") throw new Error("fake LLM: no TCP address")
  const { port } = address

  return {
    url: `http://127.0.0.1:${port}`,
    enqueue: (...scripts) => void queue.push(...scripts),
    requests,
    allRequests,
    get closedEarly() {
      return closedEarly
    },
    waitClosedEarly: (n, timeoutMs = 2000) =>
      new Promise((resolve) => {
        if (closedEarly >= n) return resolve(true)
        const timer = setTimeout(() => {
          waiters.delete(check)
          resolve(false)
        }, timeoutMs)
        const check = () => {
          if (closedEarly < n) return
          clearTimeout(timer)
          waiters.delete(check)
          resolve(true)
        }
        waiters.add(check)
      }),
    setModels: (next) => void (models = next),
    setProps: (nCtx) => void (props = nCtx),
    setUpstreamProps: (model, nCtx) => void upstreamProps.set(model, nCtx),
    setRoute: (path, route) => void (route === null ? routes.delete(path) : routes.set(path, route)),
    reset: () => {
      queue.length = 0
      requests.length = 0
      allRequests.length = 0
      closedEarly = 0
      models = ["fake-model"]
      props = 8192
      upstreamProps.clear()
      routes.clear()
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
