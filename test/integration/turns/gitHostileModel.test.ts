import { expect, layer } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { existsSync } from "node:fs"
import * as path from "node:path"
import { SessionService } from "../../../src/app/sessions/SessionService.ts"
import { engineLayer, newSession, waitForEnd } from "../../support/engine.ts"
import { FakeLlmServer, textReply, toolCallReply } from "../../support/fakeLlm/index.ts"
import { openSessionOn } from "../../support/openSession.ts"
import { makeHostileRepo } from "../tools/gitFixture.ts"

const RequestBody = Schema.Struct({ tools: Schema.optional(Schema.Array(Schema.Struct({ function: Schema.Struct({ name: Schema.String }) }))) })
const offeredTools = (body: unknown) => (Schema.decodeUnknownSync(RequestBody)(body).tools ?? []).map((t) => t.function.name)

const hostileRepo = Effect.acquireRelease(Effect.promise(() => makeHostileRepo()), (repo) => Effect.promise(() => repo.cleanup()))

/** Posts a question on a session and waits for the answer to end. */
const ask = (sessionId: Parameters<typeof waitForEnd>[0], content: string) =>
  Effect.gen(function* () {
    const sessions = yield* SessionService
    const posted = yield* sessions.postMessage(sessionId, content)
    return yield* waitForEnd(sessionId, posted.assistant_message_id, "60 seconds")
  })

/** A model that tries every trick on a hostile repository, through a real turn. */
layer(engineLayer(), { timeout: 120_000, excludeTestServices: true })("turns: git tools against a hostile model", (it) => {
  it.scoped("offers the git tools in a git work tree; every hostile call is refused or harmless, and nothing runs", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const repo = yield* hostileRepo
      const { sessionId } = yield* openSessionOn(repo.root)
      const outputFile = path.join(repo.base, "pwned")
      const calls: ReadonlyArray<readonly [string, object]> = [
        ["git_log", { rev: `--output=${outputFile}` }],
        ["git_log", { path: `--output=${outputFile}` }],
        ["git_diff", { from: `--output=${outputFile}` }],
        ["git_diff", { path: `--output=${outputFile}` }],
        ["git_show", { rev: "HEAD:.env" }],
        ["git_show", { rev: "HEAD:../outside-project.txt" }],
        ["git_show", { rev: "HEAD", path: "../outside-project.txt" }],
        ["git_show", { rev: "HEAD", path: ".env" }],
        ["git_blame", { path: ".env" }],
        ["git_blame", { path: "keys/server.pem", rev: "HEAD" }],
        ["git_blame", { path: "README.md", rev: "--output=x" }],
        ["git_diff", {}],
        ["git_show", { rev: "HEAD" }],
        ["git_log", { path: ".env" }],
        ["git_blame", { path: "README.md" }],
        ["git_log", {}]
      ]
      fake.enqueue(
        toolCallReply(calls.map(([name, args], i) => ({ id: `g${i}`, name, arguments: JSON.stringify(args) }))),
        textReply("Done digging.")
      )
      const before = fake.requests.length
      const digest = yield* Effect.promise(() => repo.gitDirDigest())
      const message = yield* ask(sessionId, "Why is b 4?")
      expect(message.status).toBe("complete")
      expect(offeredTools(fake.requests[before].body)).toEqual([
        "view_file", "list_dir", "grep", "find_files", "git_log", "git_show", "git_diff", "git_blame"
      ])
      const byId = new Map(message.tool_results.map((r) => [String(r.tool_call_id), r]))
      const error = (i: number) => byId.get(`g${i}`)?.error ?? null
      const output = (i: number) => byId.get(`g${i}`)?.output ?? ""
      for (const i of [0, 2, 10]) expect(error(i)).toMatch(/refused, a revision may not start with '-'/)
      expect(output(1)).toBe("(no commits)")
      expect(output(3)).toBe("(no differences)")
      for (const i of [4, 5]) expect(error(i)).toMatch(/':' is not allowed/)
      expect(error(6)).toMatch(/refused, the path escapes the project root/)
      for (const i of [7, 8, 9, 13]) expect(error(i)).toMatch(/refused, hidden by the project's secret rules/)
      expect(output(11)).toContain("+export const b = 4")
      expect(output(12)).toContain("Change b and rotate the key")
      expect(output(14)).toMatch(/^[0-9a-f]{8} +2024-03-01 Ada Lovelace +1\t# Project$/m)
      expect(output(15).split("\n")).toHaveLength(2)
      for (const result of message.tool_results) {
        expect(result.output).not.toMatch(/super-secret|PEM-SECRET|OUTSIDE THE PROJECT|OUTSIDE THE REPOSITORY/)
      }
      expect(existsSync(outputFile)).toBe(false)
      expect(yield* Effect.promise(() => repo.markersLeft())).toEqual([])
      expect(yield* Effect.promise(() => repo.gitDirDigest())).toBe(digest)
    })
  )

  it.scoped("does not offer the git tools outside a git work tree, and refuses them if called anyway", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const { sessionId } = yield* newSession
      fake.enqueue(toolCallReply([{ id: "l", name: "git_log", arguments: "{}" }]), textReply("No history here."))
      const before = fake.requests.length
      const message = yield* ask(sessionId, "Show the history")
      expect(message.status).toBe("complete")
      expect(offeredTools(fake.requests[before].body)).toEqual(["view_file", "list_dir", "grep", "find_files"])
      expect(message.tool_results.map((r) => r.error)).toEqual(["the project folder is not inside a git work tree; the git tools do not apply"])
    })
  )
})
