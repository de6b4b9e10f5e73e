import type { HttpServerRequest } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { Deferred, Effect, Either, Schema, type Scope } from "effect"
import { WebSocket, WebSocketServer } from "ws"
import type { ErrorFrame } from "../../contract/socketFrames.ts"
import { type FrameRate, makeTokenBucket } from "./frameRate.ts"

export interface ConnectionLimits {
  /** Largest client frame accepted; a larger one closes the socket with 1009. */
  readonly maxPayload: number
  /** Unsent bytes allowed before a client that stopped reading is cut off (1008). */
  readonly bufferLimit: number
  /** A socket that misses a pong for this long is dropped. */
  readonly pingMs: number
  /** Client frames allowed; past the rate the socket is closed with 1008. */
  readonly frameRate: FrameRate
}

/** A client that takes nothing of its backlog for this long is cut off. */
const BACKLOG_STALL_MS = 30_000

/**
 * An accepted WebSocket: JSON frames out, and its end. Client frames are answered where they
 * arrive (`answer`), with no queue or fiber of their own.
 */
export interface Connection {
  /** Sends one frame; false once the socket is closed or was cut off for reading too slowly. */
  readonly send: (frame: unknown) => Effect.Effect<boolean>
  /** `send` for a frame already serialised (shared by every socket that sends the same frame). */
  readonly sendText: (json: string) => boolean
  /**
   * Sends one frame of a backlog (the log a client asked for), waiting while the unsent buffer is
   * half full instead of cutting the client off; false once the socket is closed, or when the
   * client read nothing for `stallMs`.
   */
  readonly sendPaced: (json: string) => Effect.Effect<boolean>
  readonly close: (code: number, reason: string) => Effect.Effect<void>
  /** `close` outside an Effect (the live writer runs outside any fiber). */
  readonly closeNow: (code: number, reason: string) => void
  /** Completes with the close code once the socket is closed. */
  readonly closed: Deferred.Deferred<number>
}

const decodeJson = Schema.decodeUnknownEither(Schema.parseJson())

/** What a client is told about a frame the server cannot use; the socket stays open. */
export const errorFrame = (code: ErrorFrame["code"], message: string): ErrorFrame => ({ type: "error", code, message })

/**
 * Upgrades with our own `ws` server (not the platform's) for what the platform Socket does not
 * expose: a frame size limit, protocol ping/pong, and the unsent-buffer size.
 */
export const makeAcceptor = (limits: ConnectionLimits, answer: (frame: unknown) => unknown) =>
  Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => new WebSocketServer({ noServer: true, maxPayload: limits.maxPayload })),
      (wss) =>
        Effect.async<void>((resume) => {
          for (const client of wss.clients) client.terminate()
          wss.close(() => resume(Effect.void))
        })
    ),
    (wss) => (request: HttpServerRequest.HttpServerRequest): Effect.Effect<Connection, never, Scope.Scope> =>
      Effect.gen(function* () {
        const incomingMessage = NodeHttpServerRequest.toIncomingMessage(request)
        const ws = yield* Effect.acquireRelease(
          Effect.async<WebSocket>((resume) =>
            wss.handleUpgrade(incomingMessage, incomingMessage.socket, Buffer.alloc(0), (ws) => resume(Effect.succeed(ws)))
          ),
          (ws) => Effect.sync(() => (ws.readyState === WebSocket.CLOSED ? undefined : ws.terminate()))
        )
        const closed = yield* Deferred.make<number>()
        const bucket = makeTokenBucket(limits.frameRate, performance.now())
        let alive = true
        const cutOff = (code: number, reason: string) => {
          if (ws.readyState !== WebSocket.OPEN) return
          ws.close(code, reason)
          setTimeout(() => ws.terminate(), 1000).unref()
        }
        ws.on("close", (code) => Deferred.unsafeDone(closed, Effect.succeed(code)))
        ws.on("error", () => ws.terminate())
        ws.on("pong", () => {
          alive = true
        })
        /** Every client frame counts against the rate, protocol pings included; false once over it. */
        const withinRate = () => {
          if (bucket.take(performance.now())) return true
          cutOff(1008, "too many frames")
          return false
        }
        ws.on("ping", withinRate)
        ws.on("message", (data, isBinary) => {
          if (ws.readyState !== WebSocket.OPEN || !withinRate()) return
          const parsed = isBinary ? undefined : decodeJson(data.toString())
          if (parsed === undefined || Either.isLeft(parsed))
            return void sendNow(errorFrame("bad_frame", 'Frames must be JSON text, such as {"type":"ping"}'))
          sendNow(answer(parsed.right))
        })
        const ping = setInterval(() => {
          if (!alive) return ws.terminate()
          alive = false
          ws.ping()
        }, limits.pingMs)
        yield* Effect.addFinalizer(() => Effect.sync(() => clearInterval(ping)))

        const sendText = (json: string) => {
          if (ws.readyState !== WebSocket.OPEN) return false
          if (ws.bufferedAmount > limits.bufferLimit) {
            cutOff(1008, "the client is not reading: unsent data over the limit")
            return false
          }
          ws.send(json)
          return true
        }
        const sendNow = (frame: unknown) => sendText(JSON.stringify(frame))
        const send = (frame: unknown) => Effect.sync(() => sendNow(frame))
        const sendPaced = (json: string): Effect.Effect<boolean> =>
          Effect.gen(function* () {
            let progressAt = Date.now()
            let lowest = ws.bufferedAmount
            while (ws.readyState === WebSocket.OPEN && ws.bufferedAmount > limits.bufferLimit / 2) {
              if (ws.bufferedAmount < lowest) {
                lowest = ws.bufferedAmount
                progressAt = Date.now()
              } else if (Date.now() - progressAt > BACKLOG_STALL_MS) {
                cutOff(1008, "the client is not reading its backlog")
                return false
              }
              yield* Effect.sleep("5 millis")
            }
            if (ws.readyState !== WebSocket.OPEN) return false
            ws.send(json)
            return true
          })
        const close = (code: number, reason: string) => Effect.sync(() => cutOff(code, reason))
        return { send, sendText, sendPaced, close, closeNow: cutOff, closed }
      })
  )

export type Acceptor = Effect.Effect.Success<ReturnType<typeof makeAcceptor>>
