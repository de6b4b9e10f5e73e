import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import type { TestApp } from "../../support/testApp.ts"
import { call, str } from "./client.ts"

export const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** A new project (on a fresh temp folder) with one session: their ids. */
export const newSession = async (app: TestApp, body: Record<string, unknown> = {}) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "bc-http-"))
  const project = await call(app.url, "POST", "/api/projects", { path: dir })
  const projectId = str(project.json, "id")
  const session = await call(app.url, "POST", `/api/projects/${projectId}/sessions`, body)
  return { projectId, sessionId: str(session.json, "id"), dir }
}

/** Polls GET /api/sessions/{id} until no message is streaming. */
export const waitIdle = async (app: TestApp, sessionId: string, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const detail = await call(app.url, "GET", `/api/sessions/${sessionId}`)
    const session: unknown = Reflect.get(Object(detail.json), "session")
    if (Reflect.get(Object(session), "busy") === false) return detail
    if (Date.now() > deadline) throw new Error("session still busy")
    await pause(50)
  }
}
