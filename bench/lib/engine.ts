import { PgClient } from "@effect/sql-pg"
import { openSessionOn } from "../../test/support/openSession.ts"
import { ConfigProvider, Effect, Layer, ManagedRuntime, Redacted, Schedule } from "effect"
import { AppServicesLive } from "../../src/app/AppServices.ts"
import { SessionService } from "../../src/app/sessions/SessionService.ts"
import type { MessageId, SessionId } from "../../src/domain/index.ts"
import { runMigrations } from "../../src/infra/db/Migrations.ts"

/** The engine (services, turns, repositories) in this process over one database, settings from a map. */
export const engineRuntime = (databaseUrl: string, settings: Readonly<Record<string, string>>) =>
  ManagedRuntime.make(
    AppServicesLive.pipe(
      Layer.provideMerge(Layer.effectDiscard(runMigrations)),
      Layer.provideMerge(PgClient.layer({ url: Redacted.make(databaseUrl), maxConnections: 10 })),
      Layer.provide(
        Layer.setConfigProvider(
          ConfigProvider.fromMap(new Map(Object.entries({ PATH: process.env.PATH ?? "", BOOCODE_AUTO_NAME: "false", ...settings })))
        )
      )
    )
  )

export const newSession = (root: string) => Effect.map(openSessionOn(root), ({ sessionId }) => sessionId)

/** Polls until the message has left "streaming". */
export const waitForEnd = (sessionId: SessionId, messageId: MessageId) =>
  Effect.gen(function* () {
    const sessions = yield* SessionService
    const { state } = yield* sessions.get(sessionId)
    const message = state.messages.find((m) => m.id === messageId)
    if (message === undefined || message.status === "streaming") return yield* Effect.fail("streaming" as const)
    return message
  }).pipe(Effect.retry(Schedule.spaced("50 millis")), Effect.timeout("5 minutes"))
