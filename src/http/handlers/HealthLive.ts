import { HttpApiBuilder } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { Api } from "../api/Api.ts"
import { DatabaseUnavailable } from "../api/HealthApi.ts"

export const HealthLive = HttpApiBuilder.group(Api, "health", (handlers) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return handlers.handle("health", () =>
      sql`SELECT 1`.pipe(
        Effect.as({ status: "ok" as const }),
        Effect.timeout("3 seconds"),
        Effect.mapError(
          () => new DatabaseUnavailable({ status: "unavailable", message: "the database does not answer" })
        )
      )
    )
  })
)
