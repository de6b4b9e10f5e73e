import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { DatabaseHealth } from "../../infra/db/DatabaseHealth.ts"
import { Api } from "../api/Api.ts"
import { ServiceUnavailable } from "../api/errors.ts"

/** Asks the database every time (bounded), which also tells the rest of the app when it is down. */
export const HealthLive = HttpApiBuilder.group(Api, "health", (handlers) =>
  Effect.gen(function* () {
    const health = yield* DatabaseHealth
    return handlers.handle("health", () =>
      Effect.flatMap(health.check, (up) =>
        up
          ? Effect.succeed({ status: "ok" as const })
          : Effect.fail(new ServiceUnavailable.Failure({
              error: { code: "database_unavailable", message: "The database does not answer; retry in a few seconds" }
            }))
      )
    )
  })
)
