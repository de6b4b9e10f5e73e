import { Effect } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import * as net from "node:net"
import * as path from "node:path"
import { type FakeLlm, startFakeLlm } from "../support/fakeLlm/index.ts"
import { freshDatabaseUrl } from "../support/testDatabase.ts"

export interface E2eApp {
  readonly url: string
  readonly fakeLlm: FakeLlm
  close(): Promise<void>
}

const root = path.resolve(import.meta.dirname, "../..")

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once("error", reject)
    s.listen(0, "127.0.0.1", () => {
      const a = s.address()
      const port = a !== null && typeof a === "object" ? a.port : 0
      s.close(() => resolve(port))
    })
  })

const waitHealthy = async (url: string, child: ChildProcess, log: () => string, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${log()}`)
    try {
      const res = await fetch(`${url}/api/health`)
      if (res.ok) return
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 150))
  }
  throw new Error(`app did not become healthy:\n${log()}`)
}

/** The real app as a child process (as `npm start` runs it) on a fresh database, talking to a fake LLM. */
export const startApp = async (): Promise<E2eApp> => {
  const fakeLlm = await startFakeLlm()
  const databaseUrl = await Effect.runPromise(freshDatabaseUrl)
  const port = await freePort()
  let output = ""
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      LLM_BASE_URL: fakeLlm.url,
      HOST: "127.0.0.1",
      PORT: String(port),
      BOOCODE_WEB_DIR: path.join(root, "dist/web"),
      BOOCODE_AUTO_NAME: "false",
      BOOCODE_FLUSH_INTERVAL: "100 millis",
      BOOCODE_POLL_MS: "200"
    },
    stdio: ["ignore", "pipe", "pipe"]
  })
  child.stdout?.on("data", (b: Buffer) => (output += b.toString()))
  child.stderr?.on("data", (b: Buffer) => (output += b.toString()))
  const url = `http://127.0.0.1:${port}`
  try {
    await waitHealthy(url, child, () => output)
  } catch (e) {
    child.kill("SIGKILL")
    await fakeLlm.close()
    throw e
  }
  return {
    url,
    fakeLlm,
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once("exit", () => r()))
        child.kill("SIGTERM")
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000)
        await exited
        clearTimeout(timer)
      }
      await fakeLlm.close()
    }
  }
}
