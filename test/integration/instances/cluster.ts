/** Several real BooCode processes (src/main.ts) on one PostgreSQL database, for the multi-instance tests. */
import { Effect } from "effect"
import * as os from "node:os"
import { freshDatabaseUrl } from "../../support/testDatabase.ts"
import { killAndWait, spawnTs, type TsProcess } from "../../support/tsProcess.ts"
import { at, call } from "../http/client.ts"
import { newPort, type ServerProcess, waitFor, waitHealthy } from "../db/serverProcess.ts"

export interface Instance extends ServerProcess {
  readonly name: string
  readonly ws: string
}

export const sharedDatabase = () => Effect.runPromise(freshDatabaseUrl)

/** One instance on the shared database, named `name` (its instance id), on `port` (a free one by default). */
export const startInstance = async (name: string, databaseUrl: string, llmUrl: string, port?: number): Promise<Instance> => {
  const chosen = port ?? (await newPort())
  const spawned: TsProcess = spawnTs("src/main.ts", [], {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? os.homedir(),
    TMPDIR: os.tmpdir(),
    DATABASE_URL: databaseUrl,
    HOST: "127.0.0.1",
    PORT: String(chosen),
    LLM_BASE_URL: llmUrl,
    BOOCODE_INSTANCE_ID: name,
    BOOCODE_FLUSH_INTERVAL: "100 millis",
    BOOCODE_AUTO_NAME: "false",
    BOOCODE_WEB_DIR: "/nonexistent/boocode-web"
  })
  const instance = { ...spawned, name, port: chosen, url: `http://127.0.0.1:${chosen}`, ws: `ws://127.0.0.1:${chosen}` }
  await waitHealthy(instance)
  return instance
}

export const stop = (instance: Instance) => killAndWait(instance)

/** Calls the API and fails unless the status is `expected`. */
export const api = async (instance: Instance, method: string, route: string, expected: number, body?: unknown) => {
  const answer = await call(instance.url, method, route, body)
  if (answer.status !== expected) throw new Error(`${instance.name} ${method} ${route}: ${answer.status} ${answer.text.slice(0, 300)}`)
  return answer.json
}

export interface MessageView {
  readonly id: string
  readonly status: string
  readonly content: string
  readonly error: unknown
}

export const messageOf = async (instance: Instance, sessionId: string, messageId: string): Promise<MessageView | undefined> => {
  const json = await api(instance, "GET", `/api/sessions/${sessionId}`, 200)
  const messages = at(json, "messages")
  return Array.isArray(messages) ? (messages as Array<MessageView>).find((m) => m.id === messageId) : undefined
}

/** Waits until the message has ended (any status but streaming) as `instance` sees it. */
export const waitEnded = (instance: Instance, sessionId: string, messageId: string, timeoutMs = 30_000) =>
  waitFor(
    `message ${messageId} to end`,
    async () => {
      const m = await messageOf(instance, sessionId, messageId)
      return m !== undefined && m.status !== "streaming" ? m : undefined
    },
    timeoutMs
  )

/** The session's log as an instance serves it: each event's type, version and data. */
export const eventsOf = async (instance: Instance, sessionId: string) => {
  const events = await api(instance, "GET", `/api/sessions/${sessionId}/events`, 200)
  return (Array.isArray(events) ? events : []) as Array<{ type: string; version: number; data: Record<string, unknown> }>
}

/** The text the log holds for a message: its TextDelta batches in order. */
export const loggedText = async (instance: Instance, sessionId: string, messageId: string) =>
  (await eventsOf(instance, sessionId))
    .filter((e) => e.type === "TextDelta" && e.data.message_id === messageId)
    .map((e) => String(e.data.text))
    .join("")
