import { expect, layer } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import { SessionService } from "../../../src/app/sessions/SessionService.ts"
import { rebuildReadModels } from "../../../src/infra/readmodels/rebuildReadModels.ts"
import { verifyAll } from "../../../src/infra/readmodels/verifyAll.ts"
import { engineLayer, newSession, waitForEnd } from "../../support/engine.ts"
import { FakeLlmServer, textReply, toolCallReply } from "../../support/fakeLlm/index.ts"
import { TestDatabaseUrl } from "../../support/testDatabase.ts"

const runCli = (args: ReadonlyArray<string>, databaseUrl: string) =>
  Effect.async<{ code: number; stdout: string; stderr: string }>((resume) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli.ts", ...args],
      { env: { ...process.env, DATABASE_URL: databaseUrl }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1
        resume(Effect.succeed({ code, stdout, stderr }))
      }
    )
  })

layer(engineLayer(), { timeout: 120_000, excludeTestServices: true })("verify and rebuild", (it) => {
  it.scoped("finds a tampered read-model row and a tampered event; rebuild restores the tables", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const fake = yield* FakeLlmServer
      const sessions = yield* SessionService
      const databaseUrl = yield* TestDatabaseUrl
      const { sessionId } = yield* newSession
      fake.enqueue(
        toolCallReply([{ id: "t1", name: "list_dir", arguments: "{}" }]),
        textReply("All good, nothing to see.")
      )
      const posted = yield* sessions.postMessage(sessionId, "Check the project")
      yield* waitForEnd(sessionId, posted.assistant_message_id)
      expect(yield* verifyAll).toEqual([])
      expect((yield* runCli(["verify"], databaseUrl)).code).toBe(0)

      yield* sql`UPDATE messages SET content = 'tampered' WHERE id = ${posted.assistant_message_id}`
      const rowProblems = yield* verifyAll
      expect(rowProblems.join("\n")).toContain(posted.assistant_message_id)
      expect(rowProblems.join("\n")).toContain("tampered")
      const cli = yield* runCli(["verify"], databaseUrl)
      expect(cli.code).toBe(1)
      expect(cli.stderr).toContain("tampered")

      const rebuilt = yield* rebuildReadModels
      expect(rebuilt.streams).toBe(2)
      expect(yield* verifyAll).toEqual([])

      yield* sql`UPDATE events SET data = jsonb_set(data, '{content}', '"Check nothing"')
        WHERE type = 'UserMessagePosted' AND data->>'message_id' = ${posted.user_message_id}`
      const eventProblems = yield* verifyAll
      expect(eventProblems.some((p) => p.includes("hash-mismatch"))).toBe(true)

      yield* sql`DELETE FROM events WHERE type = 'ToolCallRequested'`
      const deleted = yield* verifyAll
      expect(deleted.some((p) => p.includes("version-gap"))).toBe(true)
    })
  )
})
