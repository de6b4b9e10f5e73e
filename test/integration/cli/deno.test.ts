import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as path from "node:path"
import { freePort } from "../../../src/infra/net/freePort.ts"
import { makeProjectTree } from "../../support/engine.ts"
import { acquireFakeLlm, textReply, toolCallReply } from "../../support/fakeLlm/index.ts"
import { freshDatabaseUrl } from "../../support/testDatabase.ts"
import { repoRoot } from "../../support/tsProcess.ts"
import { at, call, str } from "../http/client.ts"
import { startServer, stopServer, waitForHealth } from "./serverProcess.ts"

/** The Deno binary the pinned `deno` dev dependency brings (from its platform package, no download). */
const deno = path.join(repoRoot, "node_modules", ".bin", "deno")

const promise = <A>(f: () => Promise<A>) => Effect.promise(f)

it.scoped("under Deno the app serves, runs a turn with a tool call, and stops on SIGTERM", () =>
  Effect.gen(function* () {
    const fake = yield* acquireFakeLlm
    const databaseUrl = yield* freshDatabaseUrl
    const root = yield* makeProjectTree
    const port = yield* freePort
    const base = `http://127.0.0.1:${port}`
    fake.enqueue(
      toolCallReply([{ id: "call-1", name: "list_dir", arguments: "{}" }]),
      textReply("The project holds README.md and src.")
    )
    const server = startServer(deno, ["run", "-A", "src/main.ts"], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DENO_NO_UPDATE_CHECK: "1",
        // Nothing may be fetched: every module comes from node_modules.
        HTTP_PROXY: "http://127.0.0.1:9",
        HTTPS_PROXY: "http://127.0.0.1:9",
        DATABASE_URL: databaseUrl,
        HOST: "127.0.0.1",
        PORT: String(port),
        LLM_BASE_URL: fake.url,
        BOOCODE_AUTO_NAME: "false",
        BOOCODE_WEB_DIR: "/nonexistent/boocode-web"
      }
    })
    yield* Effect.addFinalizer(() => promise(() => stopServer(server, 1_000)))
    yield* promise(() => waitForHealth(server, base, 120_000))

    const project = yield* promise(() => call(base, "POST", "/api/projects", { path: root }))
    expect(project.status).toBe(201)
    const session = yield* promise(() => call(base, "POST", `/api/projects/${str(project.json, "id")}/sessions`, {}))
    expect(session.status).toBe(201)
    const sessionId = str(session.json, "id")
    const posted = yield* promise(() => call(base, "POST", `/api/sessions/${sessionId}/messages`, { content: "What is here?" }))
    expect(posted.status).toBe(202)
    const answerId = str(posted.json, "assistant_message_id")

    const answer = yield* promise(async () => {
      const deadline = Date.now() + 60_000
      while (Date.now() < deadline) {
        const detail = await call(base, "GET", `/api/sessions/${sessionId}`)
        const messages = at(detail.json, "messages")
        const message = Array.isArray(messages) ? messages.find((m) => at(m, "id") === answerId) : undefined
        if (message !== undefined && at(message, "status") !== "streaming") return message
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
      throw new Error(`the answer did not finish:\n${server.output()}`)
    })
    expect(at(answer, "status")).toBe("complete")
    expect(at(answer, "content")).toBe("The project holds README.md and src.")
    const parts = at(answer, "parts")
    expect(Array.isArray(parts) ? parts.map((p) => at(p, "type")) : parts).toEqual(["tool_call", "tool_result", "text"])
    expect(at(answer, "parts", 0, "name")).toBe("list_dir")
    expect(String(at(answer, "parts", 1, "output"))).toContain("README.md")

    const stopped = yield* promise(() => stopServer(server, 10_000))
    expect(stopped).toMatchObject({ code: 0, signal: null })
    expect(stopped.ms).toBeLessThan(5_000)
  }), 240_000
)
