import * as http from "node:http"
import * as net from "node:net"
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

/**
 * Over a raw socket, a POST declaring `declared` bytes of body, written in `chunk`s for as long as the
 * server keeps the connection open: the status line it answered, and how many bytes were written
 * before it closed the connection. Rejects when the server is still reading after `declared` bytes.
 */
export const writeUntilClosed = (
  app: TestApp,
  path: string,
  options: { readonly chunk: Buffer; readonly declared: number; readonly headers?: Readonly<Record<string, string>> }
) =>
  new Promise<{ readonly statusLine: string; readonly sent: number }>((resolve, reject) => {
    const socket = net.connect(app.port, "127.0.0.1")
    const extra = Object.entries(options.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`).join("")
    let answer = ""
    let sent = 0
    let closed = false
    socket.setEncoding("utf8")
    socket.on("data", (text: string) => (answer += text))
    socket.on("error", () => {})
    socket.on("close", () => {
      closed = true
      resolve({ statusLine: answer.split("\r\n")[0] ?? "", sent })
    })
    socket.write(
      `POST ${path} HTTP/1.1\r\nhost: ${app.host}\r\ncontent-type: application/json\r\ncontent-length: ${options.declared}\r\n${extra}\r\n`
    )
    const pump = () => {
      while (!closed && sent < options.declared) {
        sent += options.chunk.length
        if (!socket.write(options.chunk)) return void socket.once("drain", pump)
      }
      if (!closed) reject(new Error(`the server read the whole ${options.declared}-byte body of a refused request`))
    }
    pump()
  })
