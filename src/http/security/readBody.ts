import type { HttpServerRequest } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { Effect, Option } from "effect"
import type { IncomingMessage, ServerResponse } from "node:http"

/** A client still sending a refused body gets this long, after the answer went out, to finish. */
const LINGER_MS = 2_000

/**
 * After a refusal the rest of the body is read and dropped, so the client (still writing) reads
 * our answer instead of a connection reset. That costs bandwidth: past `budget` more bytes, or
 * LINGER_MS after the answer was sent, the connection is closed (once the answer is out).
 */
const drainThenClose = (source: IncomingMessage, response: ServerResponse, budget: number) => {
  let drained = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const close = () => {
    clearTimeout(timer)
    source.removeListener("data", onData)
    if (response.writableFinished) source.socket.destroy()
    else response.once("finish", () => source.socket.destroy())
  }
  const onData = (chunk: Buffer) => {
    drained += chunk.length
    if (drained > budget) close()
  }
  source.on("data", onData)
  source.once("end", () => {
    clearTimeout(timer)
    source.removeListener("data", onData)
  })
  const lingerAfterAnswer = () => {
    if (!source.readableEnded) timer = setTimeout(close, LINGER_MS)
  }
  if (response.writableFinished) lingerAfterAnswer()
  else response.once("finish", lingerAfterAnswer)
  source.resume()
}

/** Whether the client declared a body (a length above zero, or a chunked one). */
export const hasBody = (request: HttpServerRequest.HttpServerRequest) =>
  request.headers["transfer-encoding"] !== undefined || Number(request.headers["content-length"] ?? 0) > 0

/** Drops the body of a request refused without reading it, within the same bounds as above. */
export const dropBody = (request: HttpServerRequest.HttpServerRequest, budget: number) =>
  Effect.sync(() =>
    drainThenClose(NodeHttpServerRequest.toIncomingMessage(request), NodeHttpServerRequest.toServerResponse(request), budget)
  )

/**
 * Reads a request body as UTF-8 text, at most `limit` bytes: None when it is larger (by the
 * declared Content-Length before reading, else while reading a chunked body). Unlike the
 * platform's reader, going over the limit does not reset the connection: the 413 gets through.
 */
export const readBody = (request: HttpServerRequest.HttpServerRequest, limit: number): Effect.Effect<Option.Option<string>> =>
  Effect.async<Option.Option<string>>((resume) => {
    const source = NodeHttpServerRequest.toIncomingMessage(request)
    const response = NodeHttpServerRequest.toServerResponse(request)
    const declared = Number(request.headers["content-length"] ?? 0)
    if (declared > limit) {
      drainThenClose(source, response, limit)
      return resume(Effect.succeed(Option.none()))
    }
    const chunks: Array<Buffer> = []
    let bytes = 0
    const stop = () => {
      source.removeListener("data", onData)
      source.removeListener("end", onEnd)
      source.removeListener("error", onGone)
      source.removeListener("aborted", onGone)
    }
    const onData = (chunk: Buffer) => {
      bytes += chunk.length
      if (bytes <= limit) return void chunks.push(chunk)
      stop()
      drainThenClose(source, response, limit)
      resume(Effect.succeed(Option.none()))
    }
    const onEnd = () => {
      stop()
      resume(Effect.succeed(Option.some(Buffer.concat(chunks).toString("utf8"))))
    }
    // A client gone mid-body: its truncated body must not run, and nobody is left to read an answer.
    const onGone = () => {
      stop()
      resume(Effect.interrupt)
    }
    source.on("data", onData)
    source.once("end", onEnd)
    source.once("error", onGone)
    source.once("aborted", onGone)
    return Effect.sync(stop)
  })
