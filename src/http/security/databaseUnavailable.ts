import { HttpApp, type HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Option } from "effect"
import { DatabaseHealth } from "../../infra/db/DatabaseHealth.ts"
import { refuse } from "./responses.ts"

/** What a client is told to wait before trying again: about one restart of the embedded cluster. */
export const RETRY_AFTER_SECONDS = 2

const MESSAGE = "The database is not available right now (it is restarting or unreachable); retry in a few seconds"

export const databaseUnavailable = (request: HttpServerRequest.HttpServerRequest) =>
  HttpServerResponse.setHeader(
    refuse(request, 503, "database_unavailable", MESSAGE),
    "retry-after",
    String(RETRY_AFTER_SECONDS)
  )

/**
 * For an API request: while the database is known to be down, the 503 to answer at once (a flag
 * read, no query, so a healthy database costs nothing per request). Otherwise the route runs, and
 * if it ends in a 500 (a SqlError defect, typically) one probe asks the database: when it does not
 * answer, the client gets the 503 instead, and the app knows the database is down. Every 503 says
 * when to retry.
 */
export const guardDatabase = (request: HttpServerRequest.HttpServerRequest) =>
  Effect.gen(function* () {
    const health = yield* DatabaseHealth
    if (!(yield* health.isUp)) return Option.some(databaseUnavailable(request))
    yield* HttpApp.appendPreResponseHandler((req, res) => {
      if (res.status === 503 && res.headers["retry-after"] === undefined)
        return Effect.succeed(HttpServerResponse.setHeader(res, "retry-after", String(RETRY_AFTER_SECONDS)))
      if (res.status !== 500) return Effect.succeed(res)
      return Effect.map(health.check, (up) => (up ? res : databaseUnavailable(req)))
    })
    return Option.none()
  })
