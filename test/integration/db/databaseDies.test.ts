import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { type FakeLlm, slowReply, startFakeLlm, textReply } from "../../support/fakeLlm/index.ts"
import { slowReplyText } from "../turns/helpers.ts"
import { at, call, str } from "../http/client.ts"
import { open, upgradeStatus } from "../http/wsClient.ts"
import {
  cleanUp, healthStatus, makeProjectDir, newPort, openSession, pidAlive, postmasterOf, type ServerProcess, startServer,
  stopTimed, waitFor, waitHealthy
} from "./serverProcess.ts"

const messageOf = async (server: ServerProcess, sessionId: string, messageId: string) => {
  const answer = await call(server.url, "GET", `/api/sessions/${sessionId}`)
  if (answer.status !== 200) return undefined
  const messages = at(answer.json, "messages")
  if (!Array.isArray(messages)) return undefined
  const message: unknown = messages.find((m: unknown) => at(m, "id") === messageId)
  return message === undefined ? undefined : { status: str(message, "status"), content: str(message, "content") }
}

/** Every API answer while the database is down: 503, the API's error shape, and when to retry. */
const expectUnavailable = (answer: { status: number; headers: Headers; json: unknown }, what: string) => {
  expect(answer.status, what).toBe(503)
  expect(at(answer.json, "error", "code"), what).toBe("database_unavailable")
  expect(str(answer.json, "error", "message"), what).toMatch(/database/)
  expect(Number(answer.headers.get("retry-after")), what).toBeGreaterThan(0)
}

/** Kills the cluster's postmaster and moves its folder away, so every restart fails until `restore`. */
const killAndHoldDown = async (dataDir: string) => {
  const before = await postmasterOf(dataDir)
  if (before === undefined) throw new Error("no postmaster.pid")
  process.kill(before.pid, "SIGKILL")
  await fs.rename(path.join(dataDir, "pg"), path.join(dataDir, "pg-away"))
  return { killed: before.pid, restore: () => fs.rename(path.join(dataDir, "pg-away"), path.join(dataDir, "pg")) }
}

/** The cluster runs again: a live postmaster other than `killed` that says it takes connections. */
const clusterBack = (dataDir: string, killed: number) =>
  waitFor(
    "the cluster to be restarted",
    async () => {
      const now = await postmasterOf(dataDir)
      return now !== undefined && now.pid !== killed && pidAlive(now.pid) && now.status === "ready" ? now : undefined
    },
    60_000
  )

describe("the embedded PostgreSQL dies under a running server", () => {
  let fake: FakeLlm | undefined
  let server: ServerProcess | undefined
  let dataDir = ""
  let projectDir = ""

  /** Servers a test starts after the first one. */
  const spawnedLater: Array<ServerProcess> = []

  afterEach(async () => {
    await cleanUp([...(server === undefined ? [] : [server]), ...spawnedLater.splice(0)], dataDir, [projectDir])
    await fake?.close()
    server = undefined
    fake = undefined
  })

  const start = async (env: Record<string, string>) => {
    fake = await startFakeLlm()
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "boocode-db-dies-"))
    projectDir = await makeProjectDir()
    const started = startServer({ dataDir, port: await newPort(), llmUrl: fake.url, env })
    server = started
    await waitHealthy(started)
    return { server: started, fake }
  }

  it("killed mid-answer: the API answers 503 while it is down, the server restarts and reconnects by itself, the turn ends interrupted, SIGTERM stops it", async () => {
    const { server, fake } = await start({ BOOCODE_PG_RESTARTS: "10" })
    const sessionId = await openSession(server, projectDir)
    fake.enqueue(slowReply(600, 25))
    const posted = await call(server.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "Tell me a long story" })
    expect(posted.status).toBe(202)
    const messageId = str(posted.json, "assistant_message_id")
    const seen = await waitFor(
      "some of the answer",
      async () => {
        const m = await messageOf(server, sessionId, messageId)
        return m !== undefined && m.status === "streaming" && m.content.length >= 40 ? m.content : undefined
      },
      30_000
    )

    const { killed, restore } = await killAndHoldDown(dataDir)
    // A backend may answer for a few ms after its postmaster died: wait until the server knows.
    await waitFor("the server to see the database down", async () => ((await healthStatus(server)) === 503 ? true : undefined), 30_000)
    expectUnavailable(await call(server.url, "GET", `/api/sessions/${sessionId}`), "GET session")
    expectUnavailable(
      await call(server.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "Still there?" }),
      "POST messages"
    )
    expectUnavailable(await call(server.url, "POST", `/api/sessions/${sessionId}/cancel`), "POST cancel")
    expectUnavailable(await call(server.url, "GET", "/api/projects"), "GET projects")
    expectUnavailable(await call(server.url, "GET", "/api/health"), "GET health")
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/api/ws/sessions/${sessionId}`)).toBe(503)

    await restore()
    await clusterBack(dataDir, killed)
    const backAt = Date.now()
    await waitFor("GET /api/health 200", async () => ((await healthStatus(server)) === 200 ? true : undefined), 30_000)
    expect(Date.now() - backAt).toBeLessThan(10_000)

    // The answer that was streaming keeps what it had and ends interrupted.
    const ended = await waitFor(
      "the answer in flight to end",
      async () => {
        const m = await messageOf(server, sessionId, messageId)
        return m !== undefined && m.status !== "streaming" ? m : undefined
      },
      30_000
    )
    expect(ended.status).toBe("interrupted")
    expect(ended.content.startsWith(seen)).toBe(true)
    expect(slowReplyText(600).startsWith(ended.content)).toBe(true)

    // The user channel's reader lived through the outage: a rename still reaches it.
    const feed = await open(`ws://127.0.0.1:${server.port}/api/ws/user`)
    try {
      const renamed = await call(server.url, "PATCH", `/api/sessions/${sessionId}`, { name: "after the outage" })
      expect(renamed.status).toBe(200)
      const frame = await feed.waitFor((f) => at(f, "type") === "session_renamed", 20_000)
      expect(at(frame, "name")).toBe("after the outage")
    } finally {
      feed.ws.close()
    }

    // A new message gets a whole answer.
    fake.enqueue(textReply("Back again."))
    const next = await call(server.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "Are you there?" })
    expect(next.status).toBe(202)
    const answer = await waitFor(
      "the new answer",
      async () => {
        const m = await messageOf(server, sessionId, str(next.json, "assistant_message_id"))
        return m !== undefined && m.status !== "streaming" ? m : undefined
      },
      30_000
    )
    expect(answer).toEqual({ status: "complete", content: "Back again." })

    const stopped = await stopTimed(server, "SIGTERM")
    expect(stopped.code, server.stderr()).toBe(0)
    expect(stopped.ms).toBeLessThan(5_000)
    const after = await postmasterOf(dataDir)
    expect(after === undefined || !pidAlive(after.pid)).toBe(true)
  }, 240_000)

  it("restarts it unaided after a kill; once the restarts run out it keeps answering 503, SIGTERM still stops it with an answer in flight, and the next start closes that answer", async () => {
    const { server, fake } = await start({ BOOCODE_PG_RESTARTS: "2" })
    const first = await postmasterOf(dataDir)
    if (first === undefined) throw new Error("no postmaster.pid")
    process.kill(first.pid, "SIGKILL")
    await clusterBack(dataDir, first.pid)
    await waitFor("GET /api/health 200", async () => ((await healthStatus(server)) === 200 ? true : undefined), 30_000)

    const sessionId = await openSession(server, projectDir)
    fake.enqueue(slowReply(600, 25))
    const posted = await call(server.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "Tell me a long story" })
    expect(posted.status).toBe(202)
    const messageId = str(posted.json, "assistant_message_id")
    await waitFor(
      "some of the answer",
      async () => {
        const m = await messageOf(server, sessionId, messageId)
        return m !== undefined && m.content.length >= 40 ? true : undefined
      },
      30_000
    )

    const { killed, restore } = await killAndHoldDown(dataDir)
    await waitFor(
      "the supervisor to give up",
      async () => (/could not be restarted after 2 attempts/.test(server.stdout() + server.stderr()) ? true : undefined),
      60_000
    )
    expect(pidAlive(killed)).toBe(false)
    expectUnavailable(await call(server.url, "GET", "/api/projects"), "GET projects")
    expectUnavailable(await call(server.url, "GET", "/api/health"), "GET health")

    const stopped = await stopTimed(server, "SIGTERM")
    expect(stopped.code, server.stderr()).toBe(0)
    expect(stopped.ms).toBeLessThan(5_000)

    // Nothing acknowledged is lost: the next start on the folder closes the answer as interrupted.
    await restore()
    const next = startServer({ dataDir, port: await newPort(), llmUrl: fake.url })
    spawnedLater.push(next)
    await waitHealthy(next)
    const closed = await waitFor(
      "the answer to be closed",
      async () => {
        const m = await messageOf(next, sessionId, messageId)
        return m !== undefined && m.status !== "streaming" ? m : undefined
      },
      30_000
    )
    expect(closed.status).toBe("interrupted")
    expect(slowReplyText(600).startsWith(closed.content)).toBe(true)
  }, 240_000)
})
