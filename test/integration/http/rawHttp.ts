import * as http from "node:http"
import type { TestApp } from "../../support/testApp.ts"

export interface RawAnswer {
  readonly status: number
  readonly body: string
  /** Bytes of the body written before the answer arrived. */
  readonly sent: number
}

/**
 * A POST through node:http that writes its body in `chunk`s, without Content-Length (so chunked)
 * unless `headers` declares one, until `total` bytes are written or the server answers; resolves
 * with the answer, rejects when the connection fails first or nothing comes within `timeoutMs`.
 */
export const postInChunks = (
  app: TestApp,
  path: string,
  options: {
    readonly chunk: Buffer
    readonly total: number
    readonly headers?: Readonly<Record<string, string>>
    readonly timeoutMs?: number
  }
) =>
  new Promise<RawAnswer>((resolve, reject) => {
    const req = http.request({
      host: "127.0.0.1", port: app.port, method: "POST", path, agent: false,
      headers: { host: app.host, "content-type": "application/json", ...options.headers }
    })
    let sent = 0
    let answered = false
    const timer = setTimeout(() => {
      req.destroy()
      reject(new Error(`no answer within ${options.timeoutMs ?? 20_000} ms (${sent} bytes sent)`))
    }, options.timeoutMs ?? 20_000)
    req.on("response", (res) => {
      answered = true
      const sentWhenAnswered = sent
      let body = ""
      res.setEncoding("utf8")
      res.on("data", (c: string) => (body += c))
      res.on("end", () => {
        clearTimeout(timer)
        resolve({ status: res.statusCode ?? 0, body, sent: sentWhenAnswered })
        req.destroy()
      })
      res.on("error", (e) => {
        clearTimeout(timer)
        reject(new Error(`the answer (status ${res.statusCode}) broke off: ${e.message}`))
      })
    })
    // Writing on after the server answered and closed is expected to fail; only a failure before the answer counts.
    req.on("error", (e) => {
      if (answered) return
      clearTimeout(timer)
      reject(new Error(`the connection failed before any answer (${sent} bytes sent): ${e.message}`))
    })
    const pump = () => {
      while (!answered && sent < options.total) {
        sent += options.chunk.length
        if (!req.write(options.chunk)) return void req.once("drain", pump)
      }
      // With a declared length still unmet the body stays open: the answer must come before it ends.
      if (!answered && options.headers?.["content-length"] === undefined) req.end()
    }
    pump()
  })
