import { HttpLayerRouter, type HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Config, Deferred, Effect, Either, Layer, Option, Queue, type Scope } from "effect"
import type { HelloFrame } from "../../contract/userFrames.ts"
import { SessionReaders } from "../../infra/live/SessionReaders.ts"
import { refuse } from "../security/responses.ts"
import { Security } from "../security/Security.ts"
import { asyncApiDocument } from "./asyncApi.ts"
import { answerClientFrame } from "./clientFrames.ts"
import { type Connection, makeAcceptor } from "./Connection.ts"
import { sessionExists } from "./sessionExists.ts"
import { decodeResumeParams, sessionIdFrom, streamSession } from "./SessionSocket.ts"
import { UserFeed } from "./UserFeed.ts"

const isUpgrade = (request: HttpServerRequest.HttpServerRequest) =>
  (request.headers["upgrade"] ?? "").toLowerCase() === "websocket"

const SnapshotAfter = Config.integer("BOOCODE_WS_SNAPSHOT_AFTER").pipe(Config.withDefault(1000))

/**
 * Holds one of the user's socket slots, upgrades, runs `serve` until the socket closes (client
 * frames are answered by the connection itself). Refusals (not an upgrade, too many sockets) are
 * answered before the upgrade.
 */
const withSocket = <R>(
  request: HttpServerRequest.HttpServerRequest,
  accept: (request: HttpServerRequest.HttpServerRequest) => Effect.Effect<Connection, never, Scope.Scope>,
  serve: (conn: Connection) => Effect.Effect<void, never, R | Scope.Scope>
) =>
  Effect.gen(function* () {
    const security = yield* Security
    if (!isUpgrade(request)) return refuse(request, 426, "upgrade_required", "This endpoint is a WebSocket")
    const reserved = yield* security.reserveSocket(security.userOf)
    if (!reserved) return refuse(request, 429, "too_many_sockets", `At most ${security.config.wsPerUser} sockets per user`)
    const conn = yield* accept(request)
    yield* Effect.forkScoped(serve(conn))
    yield* Deferred.await(conn.closed)
    return HttpServerResponse.empty()
  }).pipe(Effect.scoped)

const Routes = HttpLayerRouter.use((router) =>
  Effect.gen(function* () {
    const security = yield* Security
    const snapshotAfter = yield* SnapshotAfter
    const readers = yield* SessionReaders
    const accept = yield* makeAcceptor(
      {
        maxPayload: security.config.wsFrameLimit,
        bufferLimit: security.config.wsBufferLimit,
        pingMs: security.config.wsPingMs,
        frameRate: { perSecond: security.config.wsFrameRate, burst: security.config.wsFrameBurst }
      },
      answerClientFrame
    )

    const asyncApi = HttpServerResponse.unsafeJson(asyncApiDocument())
    yield* router.add("GET", "/api/asyncapi.json", () => Effect.succeed(asyncApi))

    yield* router.add("GET", "/api/ws/sessions/:id", (request) =>
      Effect.gen(function* () {
        const id = sessionIdFrom(request)
        if (Option.isNone(id)) return refuse(request, 400, "bad_request", "id: not a session id (UUID)")
        const params = decodeResumeParams(request)
        if (Either.isLeft(params))
          return refuse(request, 400, "bad_request", `after/offset/message_id: ${params.left.message.split("\n")[0]}`)
        if (!(yield* Effect.orDie(sessionExists(id.value))))
          return refuse(request, 404, "session_not_found", `Session ${id.value} not found`)
        return yield* withSocket(request, accept, (conn) =>
          streamSession(readers, conn, id.value, params.right, { snapshotAfter }).pipe(
            Effect.catchAllCause((cause) => Effect.logError("session socket failed", cause))
          )
        )
      })
    )

    yield* router.add("GET", "/api/ws/user", (request) =>
      withSocket(request, accept, (conn) =>
        Effect.gen(function* () {
          const feed = yield* UserFeed
          const frames = yield* feed.subscribe
          const hello: typeof HelloFrame.Encoded = { type: "hello", user: security.userOf }
          yield* conn.send(hello)
          while (yield* conn.send(yield* Queue.take(frames))) {
            // each lifecycle frame goes out as it comes
          }
        })
      )
    )
  })
)

export const SocketRoutes = Routes.pipe(Layer.provide(SessionReaders.layer))
