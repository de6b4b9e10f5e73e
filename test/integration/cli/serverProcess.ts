/** A BooCode server started as a real process by a command (an installed bin, deno), with its output kept. */
import { type ChildProcess, spawn } from "node:child_process"

export interface ServerProcess {
  readonly child: ChildProcess
  readonly output: () => string
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
}

export const startServer = (
  command: string,
  args: ReadonlyArray<string>,
  options: { readonly cwd: string; readonly env: Readonly<Record<string, string | undefined>> }
): ServerProcess => {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] })
  let output = ""
  child.stdout?.on("data", (b: Buffer) => (output += b.toString("utf8")))
  child.stderr?.on("data", (b: Buffer) => (output += b.toString("utf8")))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal }))
  )
  return { child, output: () => output, exited }
}

/** Polls /api/health until it answers 200; fails early when the process exits. */
export const waitForHealth = async (server: ServerProcess, baseUrl: string, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null || server.child.signalCode !== null)
      throw new Error(`the server exited before answering:\n${server.output()}`)
    const status = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.status, () => 0)
    if (status === 200) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`no answer from ${baseUrl}/api/health within ${timeoutMs} ms:\n${server.output()}`)
}

/** SIGTERM, then the exit (SIGKILL after `graceMs` so a test never leaves a process behind). */
export const stopServer = async (server: ServerProcess, graceMs: number) => {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return { ...(await server.exited), ms: 0 }
  const started = performance.now()
  server.child.kill("SIGTERM")
  const timer = setTimeout(() => server.child.kill("SIGKILL"), graceMs)
  const exit = await server.exited
  clearTimeout(timer)
  return { ...exit, ms: performance.now() - started }
}
