import { HttpLayerRouter, HttpServer } from "@effect/platform"
import { DatabaseInfo } from "../infra/db/Database.ts"
import { NodeHttpServer } from "@effect/platform-node"
import { Config, Effect, Layer } from "effect"
import { createServer } from "node:http"
import { Api } from "./api/Api.ts"
import { HealthLive } from "./handlers/HealthLive.ts"

export const ServerConfig = Config.all({
  host: Config.string("HOST").pipe(Config.withDefault("127.0.0.1")),
  port: Config.port("PORT").pipe(Config.withDefault(4040))
})

const ApiRoutes = HttpLayerRouter.addHttpApi(Api, { openapiPath: "/api/openapi.json" }).pipe(
  Layer.provide(HealthLive)
)

const NodeServer = Layer.unwrapEffect(
  Effect.map(ServerConfig, ({ host, port }) => NodeHttpServer.layer(createServer, { host, port }))
)

const AnnounceListening = Layer.effectDiscard(
  Effect.gen(function* () {
    const server = yield* HttpServer.HttpServer
    const info = yield* DatabaseInfo
    const address = server.address
    const where = address._tag === "TcpAddress" ? `http://${address.hostname}:${address.port}` : address.path
    yield* Effect.logInfo(`BooCode listening on ${where} (database: ${info.description})`)
  })
)

/** The HTTP server with every route; needs the app's services. */
export const HttpServerLive = Layer.merge(
  HttpLayerRouter.serve(ApiRoutes, { disableLogger: true, disableListenLog: true }),
  AnnounceListening
).pipe(Layer.provide(NodeServer))
