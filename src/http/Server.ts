import { HttpLayerRouter, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { createServer } from "node:http"
import { DatabaseInfo } from "../infra/db/Database.ts"
import { ApiEndpoints } from "./handlers/ApiRoutes.ts"
import { AuditLive } from "./handlers/AuditLive.ts"
import { HealthLive } from "./handlers/HealthLive.ts"
import { LlmLive } from "./handlers/LlmLive.ts"
import { ProjectsLive } from "./handlers/ProjectsLive.ts"
import { SearchLive } from "./handlers/SearchLive.ts"
import { SessionsLive } from "./handlers/SessionsLive.ts"
import { ReadModels } from "./queries/ReadModels.ts"
import { LoginRoutes } from "./security/login.ts"
import { securityMiddleware } from "./security/middleware.ts"
import { Security } from "./security/Security.ts"
import { ServerConfig } from "./ServerConfig.ts"
import { DocsRoutes } from "./static/ApiDocs.ts"
import { StaticRoutes } from "./static/StaticFiles.ts"
import { SocketRoutes } from "./ws/SocketRoutes.ts"

export { ServerConfig } from "./ServerConfig.ts"

const ApiRoutes = ApiEndpoints.pipe(
  Layer.provide([HealthLive, ProjectsLive, SessionsLive, AuditLive, SearchLive, LlmLive])
)

const Routes = Layer.mergeAll(ApiRoutes, DocsRoutes, LoginRoutes, SocketRoutes, StaticRoutes)

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

const Served = HttpLayerRouter.serve(Routes, {
  disableLogger: true,
  disableListenLog: true,
  middleware: securityMiddleware
}).pipe(Layer.provide(ReadModels.layer), Layer.provideMerge(Security.layer))

/** The HTTP server with every route, guarded; needs the app's services. Offers HttpServer (its address). */
export const HttpServerLive = Layer.merge(Served, AnnounceListening).pipe(Layer.provideMerge(NodeServer))
