import { Effect, Schedule, Schema } from "effect"
import { execFile } from "node:child_process"
import { freePort } from "../../../src/infra/net/freePort.ts"
import { isAlive, killAndWait, repoRoot, spawnTs, type TsProcess } from "../../support/tsProcess.ts"

export interface ServerProcess extends TsProcess {
  readonly url: string
}

/** Calls the server's API and decodes the answer; fails on any status other than `expected`. */
export const api = <A, I>(
  server: ServerProcess,
  method: string,
  route: string,
  expected: number,
  schema: Schema.Schema<A, I>,
  body?: unknown
) =>
  Effect.gen(function* () {
    const answer = yield* Effect.promise(async () => {
      const res = await fetch(`${server.url}${route}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } })
      })
      return { status: res.status, text: await res.text() }
    })
    if (answer.status !== expected)
      return yield* Effect.fail(new Error(`${method} ${route}: ${answer.status} ${answer.text.slice(0, 500)}`))
    return yield* Schema.decodeUnknown(Schema.parseJson(schema))(answer.text)
  })

/**
 * The real server (`node --import tsx src/main.ts`, as `npm start` runs it) on a free port, ready
 * once /api/health answers 200; killed with SIGKILL if still alive when the scope closes.
 */
export const startServer = (env: Readonly<Record<string, string>>) =>
  Effect.gen(function* () {
    const port = yield* freePort
    const server = yield* Effect.acquireRelease(
      Effect.sync((): ServerProcess => ({
        url: `http://127.0.0.1:${port}`,
        ...spawnTs("src/main.ts", [], {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? "",
          HOST: "127.0.0.1",
          PORT: String(port),
          BOOCODE_WEB_DIR: "/nonexistent/boocode-web",
          ...env
        })
      })),
      (server) => Effect.promise(() => killAndWait(server))
    )
    yield* Effect.tryPromise(async () => {
      const res = await fetch(`${server.url}/api/health`)
      if (res.status !== 200) throw new Error(`health ${res.status}`)
    }).pipe(
      Effect.retry({ schedule: Schedule.spaced("100 millis"), while: () => isAlive(server) }),
      Effect.timeoutFail({ duration: "60 seconds", onTimeout: () => new Error("no answer") }),
      Effect.mapError(() => new Error(`the server did not become healthy:\n${server.output()}`))
    )
    return server
  })

/** Waits for the process to end (it was signalled), failing after `timeout`. */
export const exitOf = (server: ServerProcess, timeout = "15 seconds" as const) =>
  Effect.promise(() => server.exited).pipe(
    Effect.timeoutFail({ duration: timeout, onTimeout: () => new Error(`the server did not exit:\n${server.output()}`) })
  )

/** `boocode <verb>` (src/cli.ts) with the given environment: its exit code and output. */
export const cli = (verb: string, env: Readonly<Record<string, string>>) =>
  Effect.async<{ readonly code: number; readonly output: string }>((resume) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli.ts", verb],
      { cwd: repoRoot, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resume(Effect.succeed({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, output: stdout + stderr }))
    )
  })
