import { ConfigProvider, type Duration, Effect, Layer, Schedule, Schema } from "effect"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { AppServicesLive } from "../../src/app/AppServices.ts"
import { SessionService } from "../../src/app/sessions/SessionService.ts"
import type { MessageSnapshot, SessionId } from "../../src/domain/index.ts"
import { EventStore } from "../../src/infra/eventstore/EventStore.ts"
import { streamIdOfSession } from "../../src/domain/index.ts"
import { acquireFakeLlm, FakeLlmServer } from "./fakeLlm/index.ts"
import { openSessionOn } from "./openSession.ts"
import { TestDatabaseLive } from "./testDatabase.ts"

/** Settings that keep the engine quick under test; a test may override any of them. */
export const engineSettings = (llmUrl: string, extra: Readonly<Record<string, string>> = {}) =>
  ConfigProvider.fromMap(
    new Map(
      Object.entries({
        LLM_BASE_URL: llmUrl,
        PATH: process.env.PATH ?? "",
        BOOCODE_FLUSH_INTERVAL: "100 millis",
        BOOCODE_POLL_MS: "200",
        BOOCODE_AUTO_NAME: "false",
        LLM_LOADING_BACKOFF_MS: "50",
        ...extra
      })
    )
  )

/** The whole engine (services, turns, real Postgres) talking to a fake LLM started for it. */
export const engineLayer = (extra: Readonly<Record<string, string>> = {}) =>
  Layer.unwrapScoped(
    Effect.gen(function* () {
      const fake = yield* acquireFakeLlm
      const settings = engineSettings(extra.LLM_BASE_URL ?? fake.url, extra)
      return AppServicesLive.pipe(
        Layer.provideMerge(TestDatabaseLive),
        Layer.provideMerge(Layer.succeed(FakeLlmServer, fake)),
        Layer.provide(Layer.setConfigProvider(settings))
      )
    })
  )

/** A temporary project folder with a few files. */
export const makeProjectTree = Effect.acquireRelease(
  Effect.promise(async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), "boocode-project-"))
    await fs.mkdir(path.join(root, "src"))
    await fs.writeFile(path.join(root, "README.md"), "# Demo\nA demo project.\n")
    await fs.writeFile(path.join(root, "src", "main.ts"), "export const answer = 42\nconsole.log(answer)\n")
    return root
  }),
  (root) => Effect.promise(() => fs.rm(root, { recursive: true, force: true }))
)

/** A project on a fresh folder and a session on it. */
export const newSession = Effect.gen(function* () {
  const root = yield* makeProjectTree
  const { projectId, sessionId } = yield* openSessionOn(root)
  return { root, sessionId, projectId }
})

/** Waits until the message has left "streaming" and returns it. */
export const waitForEnd = (sessionId: SessionId, messageId: string, timeout: Duration.DurationInput = "20 seconds") =>
  Effect.gen(function* () {
    const sessions = yield* SessionService
    const { state } = yield* sessions.get(sessionId)
    const message = state.messages.find((m) => m.id === messageId)
    if (message === undefined || message.status === "streaming") return yield* Effect.fail("still streaming" as const)
    return message
  }).pipe(
    Effect.retry(Schedule.spaced("25 millis")),
    Effect.timeoutFail({ duration: timeout, onTimeout: () => new Error(`message ${messageId} did not finish`) })
  )

const DeltaData = Schema.Struct({ message_id: Schema.String, text: Schema.String })

/** The text of a message as its TextDelta events in the log spell it. */
export const loggedText = (sessionId: SessionId, messageId: string, kind: "TextDelta" | "ReasoningDelta" = "TextDelta") =>
  Effect.gen(function* () {
    const store = yield* EventStore
    const events = yield* store.readStream(streamIdOfSession(sessionId))
    return events
      .filter((e) => e.type === kind)
      .map((e) => Schema.decodeUnknownSync(DeltaData)(e.data))
      .filter((d) => d.message_id === messageId)
      .map((d) => d.text)
      .join("")
  })

export type { MessageSnapshot }
