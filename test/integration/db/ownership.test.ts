import { Effect, Option } from "effect"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ownerAlive, processStartTime } from "../../../src/infra/db/clusterLock.ts"
import { type FakeLlm, startFakeLlm } from "../../support/fakeLlm/index.ts"
import { at, call } from "../http/client.ts"
import type { TsProcess } from "../../support/tsProcess.ts"
import {
  cleanUp, makeProjectDir, newPort, openSession, pidAlive, postmasterOf, runCli, type ServerProcess,
  startServer, stopTimed, waitHealthy
} from "./serverProcess.ts"

const readLock = async (dataDir: string): Promise<unknown> =>
  JSON.parse(await fs.readFile(path.join(dataDir, "cluster.lock"), "utf8"))

const sessionName = async (server: ServerProcess, sessionId: string) => {
  const answer = await call(server.url, "GET", `/api/sessions/${sessionId}`)
  return { status: answer.status, name: at(answer.json, "session", "name") }
}

describe("one owner per embedded cluster", () => {
  let fake: FakeLlm
  let dataDir = ""
  let projectDir = ""
  const spawned: Array<TsProcess> = []
  let first: ServerProcess
  let sessionId = ""

  beforeAll(async () => {
    fake = await startFakeLlm()
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "boocode-db-owner-"))
    projectDir = await makeProjectDir()
    first = startServer({ dataDir, port: await newPort(), llmUrl: fake.url })
    spawned.push(first)
    await waitHealthy(first)
    sessionId = await openSession(first, projectDir)
  }, 180_000)

  afterAll(async () => {
    await cleanUp(spawned, dataDir, [projectDir])
    await fake.close()
  })

  it("the lock names the server's process, its start time and the cluster's port", async () => {
    const lock = await readLock(dataDir)
    const started = await Effect.runPromise(processStartTime(first.child.pid ?? 0))
    expect(lock).toEqual({ pid: first.child.pid, started: Option.getOrNull(started), port: expect.any(Number) })
  })

  it("boocode verify on the folder of a running server uses its cluster and leaves it running", async () => {
    const postmaster = await postmasterOf(dataDir)
    const verify = await runCli(dataDir, "verify")
    expect(verify.code, verify.stdout + verify.stderr).toBe(0)
    expect(verify.stdout).toContain(`run by process ${first.child.pid}`)
    expect(verify.stdout).toContain("verify: every hash chain holds")
    expect(await postmasterOf(dataDir)).toEqual(postmaster)
    expect(pidAlive(postmaster?.pid ?? 0)).toBe(true)
    expect((await call(first.url, "GET", "/api/health")).status).toBe(200)
    expect(await sessionName(first, sessionId)).toEqual({ status: 200, name: "db test" })
  }, 120_000)

  it("a second server on the same port says so in one line and exits, leaving the first alone", async () => {
    const postmaster = await postmasterOf(dataDir)
    const lock = await readLock(dataDir)
    const second = startServer({ dataDir, port: first.port, llmUrl: fake.url })
    spawned.push(second)
    const exit = await second.exited
    expect(exit.code).not.toBe(0)
    expect(second.stderr().trimEnd().split("\n")).toEqual([
      `BooCode: port ${first.port} on 127.0.0.1 is already in use (is another BooCode running?); set PORT to use another`
    ])
    expect(await readLock(dataDir)).toEqual(lock)
    expect(await postmasterOf(dataDir)).toEqual(postmaster)
    expect((await call(first.url, "GET", "/api/health")).status).toBe(200)
    expect(await sessionName(first, sessionId)).toEqual({ status: 200, name: "db test" })
  }, 120_000)

  it("after a kill -9 of the owner, the next server stops the PostgreSQL it left behind and starts a fresh one; the data is intact", async () => {
    const leftover = await postmasterOf(dataDir)
    if (leftover === undefined) throw new Error("no postmaster.pid")
    const killed = await stopTimed(first, "SIGKILL")
    expect(killed.signal).toBe("SIGKILL")
    expect(pidAlive(leftover.pid)).toBe(true)

    const next = startServer({ dataDir, port: await newPort(), llmUrl: fake.url })
    spawned.push(next)
    await waitHealthy(next)
    expect(pidAlive(leftover.pid)).toBe(false)
    const fresh = await postmasterOf(dataDir)
    expect(fresh?.pid).not.toBe(leftover.pid)
    expect(pidAlive(fresh?.pid ?? 0)).toBe(true)
    expect(at(await readLock(dataDir), "pid")).toBe(next.child.pid)
    expect(await sessionName(next, sessionId)).toEqual({ status: 200, name: "db test" })

    const stopped = await stopTimed(next, "SIGTERM")
    expect(stopped.code, next.stderr()).toBe(0)
    await expect(fs.access(path.join(dataDir, "cluster.lock"))).rejects.toThrow()
  }, 180_000)

  it("a lock is its owner's only while that process lives with the recorded start time (a reused pid is not the owner)", async () => {
    const started = Option.getOrNull(await Effect.runPromise(processStartTime(process.pid)))
    expect(started).not.toBeNull()
    const alive = (lock: { pid: number; started: string | null }) =>
      Effect.runPromise(ownerAlive({ ...lock, port: 5432 }))
    expect(await alive({ pid: process.pid, started })).toBe(true)
    expect(await alive({ pid: process.pid, started: `${started}1` })).toBe(false)
    const exited = spawnSync("true").pid
    expect(await alive({ pid: exited, started: null })).toBe(false)
  })
})
