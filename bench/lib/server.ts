import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { freePortNumber } from "./ports.ts"
import { sleep } from "./stats.ts"

export interface AppProcess {
  readonly url: string
  readonly wsUrl: string
  readonly pid: number
  /** POST/GET JSON against the API. */
  readonly api: (method: string, route: string, body?: unknown) => Promise<unknown>
  readonly stop: () => Promise<void>
  /** The last few KB the process printed, and its exit code if it has exited. */
  readonly output: () => string
}

/** The production entry point (src/main.ts) in its own process, on a database of the bench cluster. */
export const startApp = async (databaseUrl: string, llmUrl: string, extra: Readonly<Record<string, string>> = {}): Promise<AppProcess> => {
  const port = await freePortNumber()
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? os.homedir(),
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      LLM_BASE_URL: llmUrl,
      BOOCODE_AUTO_NAME: "false",
      BOOCODE_WEB_DIR: "/nonexistent/boocode-web",
      BOOCODE_WS_MAX_PER_USER: "100000",
      ...extra
    },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  child.stdout?.on("data", (b: Buffer) => void (output = (output + b.toString()).slice(-20000)))
  child.stderr?.on("data", (b: Buffer) => void (output = (output + b.toString()).slice(-20000)))
  const url = `http://127.0.0.1:${port}`
  const started = Date.now()
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited (${child.exitCode}): ${output}`)
    try {
      const r = await fetch(`${url}/api/health`)
      if (r.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 60_000) throw new Error(`app did not start: ${output}`)
    await sleep(200)
  }
  const api = async (method: string, route: string, body?: unknown): Promise<unknown> => {
    const r = await fetch(`${url}${route}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await r.text()
    if (!r.ok) throw new Error(`${method} ${route}: ${r.status} ${text}`)
    const parsed: unknown = text === "" ? null : JSON.parse(text)
    return parsed
  }
  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    api,
    output: () => `${child.exitCode === null ? "running" : `exited ${child.exitCode}`}: ${output.slice(-15000)}`,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
      child.kill("SIGTERM")
      await Promise.race([exited, sleep(10_000)])
      if (child.exitCode === null) child.kill("SIGKILL")
    }
  }
}

/** A temporary project folder for the sessions. */
export const projectFolder = async (): Promise<{ readonly root: string; readonly remove: () => Promise<void> }> => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "boocode-bench-project-"))
  await fs.writeFile(path.join(root, "README.md"), "# Bench\n")
  return { root, remove: () => fs.rm(root, { recursive: true, force: true }) }
}

/** A string field of a decoded JSON object, or an error naming it. */
export const str = (value: unknown, key: string): string => {
  const field: unknown = typeof value === "object" && value !== null ? Reflect.get(value, key) : undefined
  if (typeof field !== "string") throw new Error(`expected a string ${key} in ${JSON.stringify(value).slice(0, 200)}`)
  return field
}
