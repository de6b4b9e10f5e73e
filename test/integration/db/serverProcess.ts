/** Real BooCode processes on a temporary data folder (their own embedded PostgreSQL), for the database tests. */
import { Effect } from "effect"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { freePort } from "../../../src/infra/net/freePort.ts"
import { type TsProcess, spawnTs } from "../../support/tsProcess.ts"
import { call, str } from "../http/client.ts"

export interface ServerProcess extends TsProcess {
  readonly port: number
  readonly url: string
}

/** Only what the process needs: no DATABASE_URL, so it runs the data folder's embedded cluster. */
const baseEnv = (dataDir: string): Record<string, string> => ({
  PATH: process.env.PATH ?? "",
  HOME: process.env.HOME ?? os.homedir(),
  TMPDIR: os.tmpdir(),
  BOOCODE_DATA_DIR: dataDir
})

export const newPort = () => Effect.runPromise(freePort)

/** `node --import tsx src/main.ts` on the data folder, on 127.0.0.1:port. */
export const startServer = (options: {
  readonly dataDir: string
  readonly port: number
  readonly llmUrl: string
  readonly env?: Readonly<Record<string, string>>
}): ServerProcess => {
  const spawned = spawnTs("src/main.ts", [], {
    ...baseEnv(options.dataDir),
    HOST: "127.0.0.1",
    PORT: String(options.port),
    LLM_BASE_URL: options.llmUrl,
    BOOCODE_FLUSH_INTERVAL: "100 millis",
    BOOCODE_AUTO_NAME: "false",
    BOOCODE_WEB_DIR: "/nonexistent/boocode-web",
    ...options.env
  })
  return { ...spawned, port: options.port, url: `http://127.0.0.1:${options.port}` }
}

/** `node --import tsx src/cli.ts <verb>` on the data folder, to its end. */
export const runCli = async (dataDir: string, verb: string) => {
  const spawned = spawnTs("src/cli.ts", [verb], baseEnv(dataDir))
  const exit = await spawned.exited
  return { ...exit, stdout: spawned.stdout(), stderr: spawned.stderr() }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Polls `check` every 100 ms until it returns a value; fails after `timeoutMs` saying what it waited for. */
export const waitFor = async <A>(what: string, check: () => Promise<A | undefined>, timeoutMs: number): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const value = await check().catch(() => undefined)
    if (value !== undefined) return value
    await sleep(100)
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}

export const healthStatus = (server: ServerProcess) =>
  call(server.url, "GET", "/api/health").then((a) => a.status, () => 0)

export const waitHealthy = (server: ServerProcess, timeoutMs = 120_000) =>
  waitFor(
    "GET /api/health to answer 200",
    async () => {
      if (server.child.exitCode !== null) throw new Error(`server exited:\n${server.stdout()}\n${server.stderr()}`)
      return (await healthStatus(server)) === 200 ? true : undefined
    },
    timeoutMs
  ).catch((e: unknown) => {
    throw new Error(`${String(e)}\nstdout:\n${server.stdout()}\nstderr:\n${server.stderr()}`)
  })

/** The postmaster.pid of the data folder's cluster: its pid and status line ("ready" once it takes connections). */
export const postmasterOf = async (dataDir: string) => {
  const text = await fs.readFile(path.join(dataDir, "pg", "postmaster.pid"), "utf8").catch(() => "")
  const lines = text.split("\n")
  const pid = Number.parseInt(lines[0] ?? "", 10)
  return Number.isInteger(pid) && pid > 0 ? { pid, status: (lines[7] ?? "").trim() } : undefined
}

export const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Sends `signal` and waits for the exit; returns how long it took (ms). */
export const stopTimed = async (spawned: TsProcess, signal: NodeJS.Signals, timeoutMs = 30_000) => {
  const started = Date.now()
  spawned.child.kill(signal)
  const exit = await Promise.race([spawned.exited, sleep(timeoutMs).then(() => undefined)])
  if (exit === undefined) throw new Error(`no exit within ${timeoutMs} ms of ${signal}`)
  return { ...exit, ms: Date.now() - started }
}

/** A project on a small folder and a session on it, through the API. */
export const openSession = async (server: ServerProcess, projectDir: string) => {
  const project = await call(server.url, "POST", "/api/projects", { path: projectDir })
  if (project.status !== 201) throw new Error(`add project: ${project.status} ${project.text}`)
  const session = await call(server.url, "POST", `/api/projects/${str(project.json, "id")}/sessions`, { name: "db test" })
  if (session.status !== 201) throw new Error(`create session: ${session.status} ${session.text}`)
  return str(session.json, "id")
}

export const makeProjectDir = async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "boocode-db-project-"))
  await fs.writeFile(path.join(dir, "README.md"), "# Demo\n")
  return dir
}

/** Kills what a test left running (server processes, the cluster) and removes the folders. */
export const cleanUp = async (spawned: ReadonlyArray<TsProcess>, dataDir: string, others: ReadonlyArray<string> = []) => {
  for (const s of spawned) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill("SIGKILL")
  await Promise.all(spawned.map((s) => s.exited))
  const postmaster = await postmasterOf(dataDir)
  if (postmaster !== undefined && pidAlive(postmaster.pid)) process.kill(postmaster.pid, "SIGKILL")
  for (const dir of [dataDir, ...others]) await fs.rm(dir, { recursive: true, force: true })
}
