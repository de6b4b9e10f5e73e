import { HttpServer } from "@effect/platform"
import { ConfigProvider, Context, Effect, Layer } from "effect"
import { AppLive } from "../../src/AppLive.ts"
import { freePort } from "../../src/infra/net/freePort.ts"
import { acquireFakeLlm, type FakeLlm } from "./fakeLlm/index.ts"
import { freshDatabaseUrl } from "./testDatabase.ts"

export interface TestApp {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string
  /** e.g. ws://127.0.0.1:41234 */
  readonly wsUrl: string
  readonly port: number
  /** The Host header the server accepts. */
  readonly host: string
  readonly fakeLlm: FakeLlm
  readonly databaseUrl: string
}

export interface TestAppOptions {
  /** Extra or overriding settings (BOOCODE_TOKEN, BOOCODE_BODY_LIMIT...). */
  readonly env?: Readonly<Record<string, string>>
  /** A database to use instead of a fresh one in the vitest cluster (for e2e and bench code). */
  readonly databaseUrl?: string
}

/** Every setting of an in-process test server (quick polls, no auto-naming, no web build), then `env`. */
export const testAppSettings = (port: number, databaseUrl: string, llmUrl: string, env: Readonly<Record<string, string>> = {}) =>
  ConfigProvider.fromMap(
    new Map<string, string>([
      ["HOST", "127.0.0.1"],
      ["PORT", String(port)],
      ["DATABASE_URL", databaseUrl],
      ["LLM_BASE_URL", llmUrl],
      ["BOOCODE_AUTO_NAME", "false"],
      ["BOOCODE_POLL_MS", "200"],
      ["BOOCODE_WEB_DIR", "/nonexistent/boocode-web"],
      ["PATH", process.env.PATH ?? ""],
      ...Object.entries(env)
    ])
  )

/** Where a built server listens (the port it really took), with its fake LLM and database. */
export const testAppOn = (
  context: Context.Context<HttpServer.HttpServer>,
  port: number,
  fakeLlm: FakeLlm,
  databaseUrl: string
): TestApp => {
  const address = Context.get(context, HttpServer.HttpServer).address
  const actual = address._tag === "TcpAddress" ? address.port : port
  return {
    url: `http://127.0.0.1:${actual}`,
    wsUrl: `ws://127.0.0.1:${actual}`,
    port: actual,
    host: `127.0.0.1:${actual}`,
    fakeLlm,
    databaseUrl
  }
}

/**
 * The whole server (the production AppLive) started in-process on a free port, with a fresh
 * database and its own fake LLM, all settings from a ConfigProvider map; closed with the scope.
 */
export const acquireTestApp = (options: TestAppOptions = {}) =>
  Effect.gen(function* () {
    const fakeLlm = yield* acquireFakeLlm
    const databaseUrl = options.databaseUrl ?? (yield* freshDatabaseUrl)
    const port = yield* freePort
    const context = yield* Layer.build(
      AppLive.pipe(Layer.provide(Layer.setConfigProvider(testAppSettings(port, databaseUrl, fakeLlm.url, options.env))))
    )
    return testAppOn(context, port, fakeLlm, databaseUrl)
  })

export class TestAppServer extends Context.Tag("test/TestApp")<TestAppServer, TestApp>() {}

/** One app for every test inside `layer(testAppLayer())(...)`. */
export const testAppLayer = (options: TestAppOptions = {}) => Layer.scoped(TestAppServer, acquireTestApp(options))
