/** A TypeScript entry point of this repository run as a real child process, for the process-level tests. */
import { type ChildProcess, spawn } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")

export interface Exited {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

export interface TsProcess {
  readonly child: ChildProcess
  readonly stdout: () => string
  readonly stderr: () => string
  /** stdout and stderr as they arrived, interleaved. */
  readonly output: () => string
  readonly exited: Promise<Exited>
}

/** `node --import tsx <script> <args>` from the repository root with exactly `env`. */
export const spawnTs = (script: string, args: ReadonlyArray<string>, env: Readonly<Record<string, string | undefined>>): TsProcess => {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"]
  })
  let stdout = ""
  let stderr = ""
  let output = ""
  child.stdout?.on("data", (b: Buffer) => {
    stdout += b.toString("utf8")
    output += b.toString("utf8")
  })
  child.stderr?.on("data", (b: Buffer) => {
    stderr += b.toString("utf8")
    output += b.toString("utf8")
  })
  const exited = new Promise<Exited>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })))
  return { child, stdout: () => stdout, stderr: () => stderr, output: () => output, exited }
}

export const isAlive = (spawned: TsProcess) => spawned.child.exitCode === null && spawned.child.signalCode === null

/** SIGKILL if still running, then wait for the exit: what every test's clean-up does. */
export const killAndWait = async (spawned: TsProcess) => {
  if (isAlive(spawned)) spawned.child.kill("SIGKILL")
  await spawned.exited
}
