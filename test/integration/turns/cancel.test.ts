import { expect, layer } from "@effect/vitest"
import { Context, Effect, Layer, Option } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { ProjectService } from "../../../src/app/projects/ProjectService.ts"
import { SessionService } from "../../../src/app/sessions/SessionService.ts"
import { TurnRunner } from "../../../src/app/turns/TurnRunner.ts"
import { SessionId, streamIdOfSession } from "../../../src/domain/index.ts"
import { EventStore } from "../../../src/infra/eventstore/EventStore.ts"
import { engineLayer, loggedText, newSession, waitForEnd } from "../../support/engine.ts"
import { FakeLlmServer, slowReply, textReply, toolCallReply } from "../../support/fakeLlm/index.ts"
import { eventually, slowReplyText, waitForLiveText } from "./helpers.ts"

const BIG_DIRS = 300
const FILES_PER_DIR = 100

/**
 * A project folder with 30,000 files of 16 KB in nested folders, every line a near miss for the
 * grep below: ripgrep needs about 2 s for it here. The files are hard links to one file, which
 * makes the tree in half a second (30,000 separate files took 5 to 25 s on a loaded machine).
 */
class BigTree extends Context.Tag("test/BigTree")<BigTree, string>() {}

const BigTreeLive = Layer.scoped(
  BigTree,
  Effect.acquireRelease(
    Effect.sync(() => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), "boocode-bigtree-"))
      const template = path.join(root, "template.txt")
      const line = "needle 12345 some text here\n"
      fs.writeFileSync(template, line.repeat(Math.ceil(16_384 / line.length)))
      for (let d = 0; d < BIG_DIRS; d++) {
        const dir = path.join(root, `a${d % 30}`, `b${Math.floor(d / 30)}`)
        fs.mkdirSync(dir, { recursive: true })
        for (let f = 0; f < FILES_PER_DIR; f++) fs.linkSync(template, path.join(dir, `f${f}.txt`))
      }
      return root
    }),
    (root) => Effect.promise(() => fs.promises.rm(root, { recursive: true, force: true }))
  )
)

/** ripgrep processes still running over `root`, from /proc (Linux). */
const rgOver = (root: string) =>
  Effect.sync(() => {
    if (!fs.existsSync("/proc")) return []
    const found: Array<number> = []
    for (const entry of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue
      try {
        const cwd = fs.readlinkSync(`/proc/${entry}/cwd`)
        const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0")
        if (cwd === root && path.basename(cmd[0] ?? "") === "rg") found.push(Number(entry))
      } catch {
        // gone or not ours
      }
    }
    return found
  })

const eventCount = (sessionId: SessionId) =>
  Effect.flatMap(EventStore, (store) => store.readStream(streamIdOfSession(sessionId))).pipe(Effect.map((events) => events.length))

/** The session's events other than text batches (which the running turn keeps adding). */
const eventsBesideText = (sessionId: SessionId) =>
  Effect.flatMap(EventStore, (store) => store.readStream(streamIdOfSession(sessionId))).pipe(
    Effect.map((events) => events.filter((e) => e.type !== "TextDelta" && e.type !== "ReasoningDelta").map((e) => e.type))
  )

layer(Layer.merge(engineLayer(), BigTreeLive), { timeout: 60_000, excludeTestServices: true })("turns: cancel and busy", (it) => {
  it.scoped("cancel during streaming keeps the text so far and closes the upstream connection", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const sessions = yield* SessionService
      const { sessionId } = yield* newSession
      const closed = fake.closedEarly
      fake.enqueue(slowReply(200, 20))
      const posted = yield* sessions.postMessage(sessionId, "Tell me a long story")
      yield* waitForLiveText(sessionId, 16)
      expect(yield* sessions.cancel(sessionId)).toBe(true)
      const message = yield* waitForEnd(sessionId, posted.assistant_message_id)
      expect(message.status).toBe("cancelled")
      expect(message.error).toBeNull()
      const logged = yield* loggedText(sessionId, posted.assistant_message_id)
      expect(message.content.length).toBeGreaterThanOrEqual(16)
      expect(message.content).toBe(logged)
      const full = slowReplyText(200)
      expect(full.startsWith(message.content)).toBe(true)
      expect(message.content.length).toBeLessThan(full.length)
      expect(yield* Effect.promise(() => fake.waitClosedEarly(closed + 1))).toBe(true)
      // the session takes a new message at once
      fake.enqueue(textReply("Short one."))
      const next = yield* sessions.postMessage(sessionId, "Shorter please")
      expect((yield* waitForEnd(sessionId, next.assistant_message_id)).content).toBe("Short one.")
    })
  )

  it.scoped("cancel during a slow grep over 30,000 files ends the turn within 2 s and stops ripgrep", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const sessions = yield* SessionService
      const projects = yield* ProjectService
      const root = yield* BigTree
      const project = yield* projects.add({ path: root })
      if (project.project_id === null) return yield* Effect.dieMessage("project has no id")
      const session = yield* sessions.create({ project_id: project.project_id })
      const sessionId = session.state.session_id
      if (sessionId === null) return yield* Effect.dieMessage("session has no id")
      fake.enqueue(
        toolCallReply([{ id: "g1", name: "grep", arguments: JSON.stringify({ pattern: "needle \\d+ 99 zzz", context: 2 }) }], {
          text: "Searching. "
        }),
        textReply("Should never be asked for.")
      )
      const before = fake.requests.length
      const posted = yield* sessions.postMessage(sessionId, "Find the needles")
      yield* eventually(
        Effect.map(sessions.get(sessionId), ({ state }) =>
          Option.fromNullable(state.messages.find((m) => m.id === posted.assistant_message_id && m.tool_calls.length > 0))
        ),
        "the grep call"
      )
      yield* Effect.sleep("200 millis")
      // the grep is running (ripgrep needs about 2 s for this tree)
      yield* eventually(Effect.map(rgOver(root), (pids) => (pids.length === 1 ? Option.some(true) : Option.none())), "ripgrep to run")
      const cancelledAt = Date.now()
      expect(yield* sessions.cancel(sessionId)).toBe(true)
      const message = yield* waitForEnd(sessionId, posted.assistant_message_id)
      expect(Date.now() - cancelledAt).toBeLessThan(2_000)
      expect(message.status).toBe("cancelled")
      expect(message.tool_calls.map((c) => c.name)).toEqual(["grep"])
      expect(message.tool_results).toHaveLength(0) // interrupted, not finished
      expect(message.content).toBe("Searching. ")
      expect(yield* loggedText(sessionId, posted.assistant_message_id)).toBe("Searching. ")
      expect(fake.requests.length - before).toBe(1)
      yield* eventually(
        Effect.map(rgOver(root), (pids) => (pids.length === 0 ? Option.some(true) : Option.none())),
        "ripgrep to stop",
        "2 seconds"
      )
      // the answer that was queued was never requested: take it off for the next test
      fake.reset()
    })
  )

  it.scoped("a second post while a turn runs fails with SessionBusy and appends nothing", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const sessions = yield* SessionService
      const { sessionId } = yield* newSession
      fake.enqueue(slowReply(100, 20))
      const posted = yield* sessions.postMessage(sessionId, "first")
      const busy = yield* Effect.flip(sessions.postMessage(sessionId, "second"))
      expect(busy._tag).toBe("SessionBusy")
      if (busy._tag === "SessionBusy") expect(busy.open_message_id).toBe(posted.assistant_message_id)
      // Nothing of the refused post: the log holds the first exchange's start and the turn's text only.
      expect(yield* eventsBesideText(sessionId)).toEqual(["SessionCreated", "UserMessagePosted", "AssistantMessageStarted"])
      const { state } = yield* sessions.get(sessionId)
      expect(state.messages.filter((m) => m.role === "user").map((m) => m.content)).toEqual(["first"])
      expect(yield* sessions.cancel(sessionId)).toBe(true)
      const message = yield* waitForEnd(sessionId, posted.assistant_message_id)
      expect(message.status).toBe("cancelled")
      expect(message.content).toBe(yield* loggedText(sessionId, posted.assistant_message_id))
    })
  )

  it.scoped("cancel of an idle session, a finished turn or an unknown session is harmless", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const sessions = yield* SessionService
      const turns = yield* TurnRunner
      // The test before may cancel its turn before it asks for its reply: start from an empty script queue.
      fake.reset()
      const { sessionId } = yield* newSession
      // idle: nothing posted yet
      expect(yield* sessions.cancel(sessionId)).toBe(false)
      fake.enqueue(textReply("Done already."))
      const posted = yield* sessions.postMessage(sessionId, "q")
      const done = yield* waitForEnd(sessionId, posted.assistant_message_id)
      expect(done.status).toBe("complete")
      yield* eventually(Effect.map(turns.isRunning(sessionId), (running) => (running ? Option.none() : Option.some(true))), "the fiber to end")
      const events = yield* eventCount(sessionId)
      expect(yield* sessions.cancel(sessionId)).toBe(false)
      expect(yield* sessions.cancel(sessionId)).toBe(false)
      expect(yield* eventCount(sessionId)).toBe(events)
      const after = yield* waitForEnd(sessionId, posted.assistant_message_id)
      expect(after.status).toBe("complete")
      expect(after.content).toBe("Done already.")
      // unknown: the runner shrugs, the service says it does not exist
      const unknown = SessionId.make("00000000-0000-4000-8000-000000000000")
      expect(yield* turns.cancel(unknown)).toBe(false)
      const notFound = yield* Effect.flip(sessions.cancel(unknown))
      expect(notFound._tag).toBe("SessionNotFound")
    })
  )
})
