import { expect } from "@effect/vitest"
import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Option, Redacted, Schema } from "effect"
import * as path from "node:path"
import { AppServicesLive } from "../../../src/app/AppServices.ts"
import { MessageId, SessionId } from "../../../src/domain/index.ts"
import { EventStore } from "../../../src/infra/eventstore/EventStore.ts"
import { engineSettings, loggedText, makeProjectTree, waitForEnd } from "../../support/engine.ts"
import { FakeLlmServer, slowReply } from "../../support/fakeLlm/index.ts"
import { freshDatabaseUrl } from "../../support/testDatabase.ts"
import { killAndWait, repoRoot, spawnTs, type TsProcess } from "../../support/tsProcess.ts"
import { eventually } from "./helpers.ts"

/** The engine in a child process (test/support/turnChild.ts) for the stop, restart and outage tests. */

const childScript = path.join(repoRoot, "test/support/turnChild.ts")

const Started = Schema.parseJson(
  Schema.Struct({ turn_child: Schema.Literal("started"), session_id: SessionId, message_id: MessageId })
)

export type Child = TsProcess

/** The engine in a child process (test/support/turnChild.ts); killed with SIGKILL if still alive at the end. */
export const spawnChild = (env: Readonly<Record<string, string>>) =>
  Effect.acquireRelease(
    Effect.sync(() =>
      spawnTs(childScript, [], { ...process.env, BOOCODE_FLUSH_INTERVAL: "100 millis", BOOCODE_AUTO_NAME: "false", ...env })
    ),
    (child) => Effect.promise(() => killAndWait(child))
  )

/** The ids the child prints once its message is posted. */
export const startedLine = (child: Child) =>
  eventually(
    Effect.sync(() =>
      Option.firstSomeOf(child.output().split("\n").map((line) => Schema.decodeUnknownOption(Started)(line.trim())))
    ),
    "the child to post its message",
    "90 seconds"
  ).pipe(Effect.tapError(() => Effect.logError(`child output:\n${child.output()}`)))

export const exitOf = (child: Child) =>
  Effect.promise(() => child.exited).pipe(
    Effect.timeoutFail({ duration: "15 seconds", onTimeout: () => new Error(`child did not exit:\n${child.output()}`) })
  )

/** Only the event store over the database: reads the log without starting the engine (and its recovery). */
export const readerLayer = (url: string) => EventStore.layer.pipe(Layer.provide(PgClient.layer({ url: Redacted.make(url), maxConnections: 2 })))

/** The whole engine over an existing database: starting it runs recoverOpenTurns. */
export const engineOn = (url: string, llmUrl: string) =>
  AppServicesLive.pipe(
    Layer.provideMerge(PgClient.layer({ url: Redacted.make(url), maxConnections: 10 })),
    Layer.provide(Layer.setConfigProvider(engineSettings(llmUrl)))
  )

/** Starts a child on a fresh database, waits until some of its answer is in the log. */
export const childMidTurn = Effect.gen(function* () {
  const fake = yield* FakeLlmServer
  const url = yield* freshDatabaseUrl
  const root = yield* makeProjectTree
  fake.enqueue(slowReply(300, 25))
  const child = yield* spawnChild({ DATABASE_URL: url, LLM_BASE_URL: fake.url, TURN_CHILD_PROJECT: root })
  const ids = yield* startedLine(child)
  const persisted = yield* eventually(
    Effect.map(loggedText(ids.session_id, ids.message_id), (text) => (text.length >= 20 ? Option.some(text) : Option.none())),
    "text in the log"
  ).pipe(Effect.provide(readerLayer(url)))
  return { fake, url, child, ids, persisted }
})


/**
 * After the child died with its turn open, the engine's start-up recovery closed it: interrupted,
 * with exactly the logged text, which holds what was persisted before and is a prefix of the reply.
 */
export const expectClosedByRecovery = (
  ids: { readonly session_id: SessionId; readonly message_id: MessageId },
  persisted: string,
  fullReply: string
) =>
  Effect.gen(function* () {
    const message = yield* waitForEnd(ids.session_id, ids.message_id)
    expect(message.status).toBe("interrupted")
    expect(message.error).toEqual({ code: "interrupted", message: "the server stopped before this answer was finished" })
    const logged = yield* loggedText(ids.session_id, ids.message_id)
    expect(message.content).toBe(logged)
    expect(logged.startsWith(persisted)).toBe(true)
    expect(fullReply.startsWith(logged)).toBe(true)
  })
