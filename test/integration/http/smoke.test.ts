import { describe, expect, it, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { TestAppServer, testAppLayer } from "../../support/testApp.ts"
import { call, str } from "./client.ts"

layer(testAppLayer(), { excludeTestServices: true })("smoke", (it) => {
  it.effect("health, project, session, post and read back", () =>
    Effect.gen(function* () {
      const app = yield* TestAppServer
      const run = <A>(f: () => Promise<A>) => Effect.promise(f)
      const health = yield* run(() => call(app.url, "GET", "/api/health"))
      expect(health.status).toBe(200)
      expect(health.headers.get("content-security-policy")).toContain("default-src 'self'")
      const dir = yield* run(() => fs.mkdtemp(path.join(os.tmpdir(), "bc-http-")))
      const project = yield* run(() => call(app.url, "POST", "/api/projects", { path: dir }))
      expect(project.status).toBe(201)
      const session = yield* run(() => call(app.url, "POST", `/api/projects/${str(project.json, "id")}/sessions`, {}))
      expect(session.status).toBe(201)
      app.fakeLlm.enqueue()
      const posted = yield* run(() => call(app.url, "POST", `/api/sessions/${str(session.json, "id")}/messages`, { content: "hi" }))
      expect(posted.status).toBe(202)
      yield* run(() => new Promise((r) => setTimeout(r, 500)))
      const detail = yield* run(() => call(app.url, "GET", `/api/sessions/${str(session.json, "id")}`))
      expect(detail.status).toBe(200)
      console.log(detail.text)
    })
  )
})
