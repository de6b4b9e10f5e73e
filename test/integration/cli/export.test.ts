import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { SessionService } from "../../../src/app/sessions/SessionService.ts"
import { freePort } from "../../../src/infra/net/freePort.ts"
import { engineLayer, newSession, waitForEnd } from "../../support/engine.ts"
import { FakeLlmServer, stall, textReply, toolCallReply } from "../../support/fakeLlm/index.ts"
import { acquireTestApp } from "../../support/testApp.ts"
import { TestDatabaseUrl } from "../../support/testDatabase.ts"
import { runCli } from "./cliProcess.ts"

const cli = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}) => Effect.promise(() => runCli(args, env))

const fetchText = (url: string, headers: Record<string, string> = {}) =>
  Effect.promise(async () => {
    const response = await fetch(url, { headers })
    return { status: response.status, body: await response.text() }
  })

/** A turn with a tool call between two pieces of text, run to its end through the app's services. */
const toolTurn = Effect.gen(function* () {
  const fake = yield* FakeLlmServer
  const sessions = yield* SessionService
  const { sessionId } = yield* newSession
  fake.enqueue(
    toolCallReply([{ id: "call-1", name: "list_dir", arguments: "{}" }], { text: "Let me look." }),
    textReply("The project has a README and src/main.ts.")
  )
  const posted = yield* sessions.postMessage(sessionId, "What is in this project?")
  yield* waitForEnd(sessionId, posted.assistant_message_id)
  return sessionId
})

layer(engineLayer(), { timeout: 180_000, excludeTestServices: true })("boocode export and replay", (it) => {
  it.scoped("export prints, in each format, what the HTTP export and events endpoints answer", () =>
    Effect.gen(function* () {
      const databaseUrl = yield* TestDatabaseUrl
      const sessionId = yield* toolTurn
      const app = yield* acquireTestApp({ databaseUrl })
      const base = `${app.url}/api/sessions/${sessionId}`

      const md = yield* cli(["export", sessionId, "--format", "md"], { DATABASE_URL: databaseUrl })
      expect(md.stderr).toBe("")
      expect(md.code).toBe(0)
      const httpMd = yield* fetchText(`${base}/export?format=markdown`)
      expect(httpMd.status).toBe(200)
      expect(md.stdout).toBe(httpMd.body)
      expect(md.stdout).toContain("list_dir({})")
      expect(md.stdout).toContain("The project has a README and src/main.ts.")

      const json = yield* cli(["export", sessionId, "--format", "json"], { DATABASE_URL: databaseUrl })
      expect(json.code).toBe(0)
      const httpJson = yield* fetchText(`${base}/export?format=json`)
      expect(JSON.parse(json.stdout)).toEqual(JSON.parse(httpJson.body))
      expect(JSON.parse(json.stdout).messages.map((m: { role: string }) => m.role)).toEqual(["user", "assistant"])

      const ndjson = yield* cli(["export", sessionId, "--format", "ndjson"], { DATABASE_URL: databaseUrl })
      expect(ndjson.code).toBe(0)
      const httpEvents = yield* fetchText(`${base}/events`, { accept: "application/x-ndjson" })
      expect(ndjson.stdout).toBe(httpEvents.body)
      const types = ndjson.stdout.trimEnd().split("\n").map((line) => JSON.parse(line).type)
      expect(types[0]).toBe("SessionCreated")
      expect(types).toContain("ToolCallRequested")
      expect(types.at(-1)).toBe("AssistantMessageCompleted")
    }), 240_000
  )

  it.scoped("replay at a high speed prints the conversation in the order it happened", () =>
    Effect.gen(function* () {
      const databaseUrl = yield* TestDatabaseUrl
      const sessionId = yield* toolTurn
      const run = yield* cli(["replay", sessionId, "--speed", "1000"], { DATABASE_URL: databaseUrl })
      expect(run.stderr).toBe("")
      expect(run.code).toBe(0)
      // Stamped lines are steps; the user's text and the streamed answer follow their step's line.
      const lines = run.stdout.trimEnd().split("\n").map((l) => l.replace(/^\[\+\d+\.\ds\] /, "[stamp] "))
      expect(lines).toEqual([
        `[stamp] session "New session" created`,
        "[stamp] User:",
        "What is in this project?",
        "[stamp] Assistant:",
        "Let me look.",
        "[stamp] → list_dir({})",
        expect.stringMatching(/^\[stamp\] ← .*README\.md/),
        "The project has a README and src/main.ts.",
        "[stamp] ✓ complete (stop)"
      ])
    }), 150_000
  )

  it.scoped("replay at real speed waits as long as the answer paused", () =>
    Effect.gen(function* () {
      const databaseUrl = yield* TestDatabaseUrl
      const fake = yield* FakeLlmServer
      const sessions = yield* SessionService
      const { sessionId } = yield* newSession
      fake.enqueue(stall(1500, "Thinking", " done."))
      const posted = yield* sessions.postMessage(sessionId, "Take your time")
      yield* waitForEnd(sessionId, posted.assistant_message_id)

      const run = yield* cli(["replay", sessionId], { DATABASE_URL: databaseUrl })
      expect(run.code).toBe(0)
      expect(run.stdout).toContain("Thinking done.")
      const arrival = (text: string) => run.chunks.find((c) => c.text.includes(text))?.at ?? Number.NaN
      expect(arrival(" done.") - arrival("Thinking")).toBeGreaterThan(1200)
      const stamps = [...run.stdout.matchAll(/^\[\+(\d+\.\d)s\] (.*)$/gm)].map((m) => [Number(m[1]), m[2]] as const)
      const started = stamps.find(([, line]) => line === "Assistant:")?.[0] ?? Number.NaN
      const completed = stamps.find(([, line]) => line.startsWith("✓ complete"))?.[0] ?? Number.NaN
      expect(completed - started).toBeGreaterThanOrEqual(1.4)
    }), 150_000
  )

  it.scoped("an unreachable database is one line on stderr and a non-zero exit, for every verb that needs it", () =>
    Effect.gen(function* () {
      const closed = yield* freePort
      const url = `postgres://boocode:secret@127.0.0.1:${closed}/boocode`
      for (const args of [["export", "00000000-0000-4000-8000-000000000000"], ["serve"]]) {
        const port = yield* freePort
        const run = yield* cli(args, { DATABASE_URL: url, PORT: String(port) })
        expect(run.code).toBe(1)
        expect(run.stdout).toBe("")
        expect(run.stderr).toBe(`boocode: the database did not answer: connect ECONNREFUSED 127.0.0.1:${closed}\n`)
      }
    }), 150_000
  )

  it.scoped("an unknown session says so in one line", () =>
    Effect.gen(function* () {
      const databaseUrl = yield* TestDatabaseUrl
      const missing = yield* cli(["replay", "00000000-0000-4000-8000-000000000000", "--speed", "0"], { DATABASE_URL: databaseUrl })
      expect(missing.code).toBe(1)
      expect(missing.stderr).toBe("boocode: Session 00000000-0000-4000-8000-000000000000 does not exist or was deleted\n")
    }), 120_000
  )
})
