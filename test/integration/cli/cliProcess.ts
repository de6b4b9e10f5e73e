/** `boocode` as a user runs it: src/cli.ts in a real process, output collected as it arrives. */
import { spawn } from "node:child_process"
import { repoRoot } from "../../support/tsProcess.ts"

export interface CliRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  /** stdout pieces with the time (ms since the start) each arrived. */
  readonly chunks: ReadonlyArray<{ readonly at: number; readonly text: string }>
}

/** The environment of the test run without colour settings, then `env`. */
export const cliEnv = (env: Readonly<Record<string, string>> = {}) => {
  const base: Record<string, string | undefined> = { ...process.env }
  delete base.NO_COLOR
  delete base.FORCE_COLOR
  return { ...base, ...env }
}

const collect = (command: string, args: ReadonlyArray<string>, env: Readonly<Record<string, string | undefined>>) =>
  new Promise<CliRun>((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] })
    const chunks: Array<{ at: number; text: string }> = []
    let stderr = ""
    child.stdout.on("data", (b: Buffer) => chunks.push({ at: performance.now() - started, text: b.toString("utf8") }))
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")))
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000)
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout: chunks.map((c) => c.text).join(""), stderr, chunks })
    })
  })

/** `node --import tsx src/cli.ts ...args`, stdout and stderr piped. */
export const runCli = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}) =>
  collect(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], cliEnv(env))

const shellQuote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`

/** The same on a pseudo-terminal (util-linux `script`): stdout and stderr arrive together, lines end in CRLF. */
export const runCliOnTerminal = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}) =>
  collect(
    "script",
    ["-qec", [process.execPath, "--import", "tsx", "src/cli.ts", ...args].map(shellQuote).join(" "), "/dev/null"],
    cliEnv(env)
  )

export const ESC = "\u001b"
