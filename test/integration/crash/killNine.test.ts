import { expect, layer } from "@effect/vitest"
import { Effect, Option, Schema } from "effect"
import { LoggedEvent, Posted, Project, Session, SessionDetail, Started } from "../../../src/http/api/schemas.ts"
import { makeProjectTree } from "../../support/engine.ts"
import { FakeLlmServer, fakeLlmLayer, slowReply, textReply } from "../../support/fakeLlm/index.ts"
import { at } from "../http/client.ts"
import { freshDatabaseUrl } from "../../support/testDatabase.ts"
import { eventually, slowReplyText } from "../turns/helpers.ts"
import { api, cli, exitOf, type ServerProcess, startServer } from "./serverProcess.ts"

const KILLS = 3
const Delta = Schema.Struct({ message_id: Schema.String, offset: Schema.Number, text: Schema.String })
const MessageEvent = Schema.Struct({ message_id: Schema.String })

const eventsOf = (server: ServerProcess, sessionId: string) =>
  api(server, "GET", `/api/sessions/${sessionId}/events`, 200, Schema.Array(LoggedEvent))

/** The message's TextDelta batches as the log holds them, in order. */
const deltasOf = (events: ReadonlyArray<LoggedEvent>, messageId: string) =>
  events
    .filter((e) => e.type === "TextDelta")
    .map((e) => Schema.decodeUnknownSync(Delta)(e.data))
    .filter((d) => d.message_id === messageId)

const countOf = (events: ReadonlyArray<LoggedEvent>, type: string, messageId: string) =>
  events.filter((e) => e.type === type && Schema.decodeUnknownSync(MessageEvent)(e.data).message_id === messageId).length

/**
 * The real server process, killed with SIGKILL mid-answer three times and started again each time:
 * nothing acknowledged is lost, every killed answer is interrupted with the text its log holds,
 * nothing is doubled, and `boocode verify` finds the log and the read models in agreement.
 */
layer(fakeLlmLayer, { timeout: 240_000, excludeTestServices: true })("crash: kill -9 mid-answer", (it) => {
  it.scoped("three kill -9 mid-answer, three restarts: every acknowledged message kept, every killed turn interrupted, verify passes", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const databaseUrl = yield* freshDatabaseUrl
      const root = yield* makeProjectTree
      const env = {
        DATABASE_URL: databaseUrl,
        LLM_BASE_URL: fake.url,
        BOOCODE_AUTO_NAME: "false",
        BOOCODE_FLUSH_INTERVAL: "100 millis",
        BOOCODE_POLL_MS: "200",
        // The same instance restarted (on a new port): it knows the turns its previous life left open.
        BOOCODE_INSTANCE_ID: "kill-nine-test"
      }
      let server = yield* startServer(env)
      const project = yield* api(server, "POST", "/api/projects", 201, Project, { path: root })
      const session = yield* api(server, "POST", `/api/projects/${project.id}/sessions`, 201, Session, {})

      const asked: Array<{ readonly question: string; readonly posted: typeof Posted.Type; readonly persisted: string }> = []
      for (let round = 1; round <= KILLS; round++) {
        fake.enqueue(slowReply(300, 25))
        const question = `question ${round}: tell me a long story`
        const posted = yield* api(server, "POST", `/api/sessions/${session.id}/messages`, 202, Posted, { content: question })
        const current = server
        const persisted = yield* eventually(
          Effect.map(eventsOf(current, session.id), (events) => {
            const text = deltasOf(events, posted.assistant_message_id).map((d) => d.text).join("")
            return text.length >= 20 ? Option.some(text) : Option.none()
          }),
          "text in the log",
          "30 seconds"
        )
        asked.push({ question, posted, persisted })
        server.child.kill("SIGKILL")
        expect((yield* exitOf(server)).signal).toBe("SIGKILL")
        server = yield* startServer(env)
      }

      const detail = yield* api(server, "GET", `/api/sessions/${session.id}`, 200, SessionDetail)
      const events = yield* eventsOf(server, session.id)
      expect(detail.session.busy).toBe(false)
      expect(detail.messages.map((m) => m.id)).toEqual(
        asked.flatMap(({ posted }) => [posted.user_message_id, posted.assistant_message_id])
      )
      for (const { question, posted, persisted } of asked) {
        const user = detail.messages.find((m) => m.id === posted.user_message_id)
        expect(user?.content).toBe(question)
        expect(countOf(events, "UserMessagePosted", posted.user_message_id)).toBe(1)

        const answer = detail.messages.find((m) => m.id === posted.assistant_message_id)
        expect(answer?.status).toBe("interrupted")
        expect(answer?.error).toEqual({ code: "interrupted", message: "the server stopped before this answer was finished" })
        expect(countOf(events, "AssistantMessageInterrupted", posted.assistant_message_id)).toBe(1)
        // batches follow one another exactly: none doubled, none missing
        const deltas = deltasOf(events, posted.assistant_message_id)
        let offset = 0
        for (const d of deltas) {
          expect(d.offset).toBe(offset)
          offset += d.text.length
        }
        const logged = deltas.map((d) => d.text).join("")
        expect(answer?.content).toBe(logged)
        expect(logged.startsWith(persisted)).toBe(true)
        expect(slowReplyText(300).startsWith(logged)).toBe(true)
      }

      // The last killed answer goes on where it stopped, in the same message.
      const last = asked[asked.length - 1].posted.assistant_message_id
      const kept = detail.messages.find((m) => m.id === last)?.content ?? ""
      fake.enqueue(textReply(" (continued)"))
      yield* api(server, "POST", `/api/sessions/${session.id}/messages/${last}/continue`, 202, Started)
      const continued = yield* eventually(
        Effect.map(api(server, "GET", `/api/sessions/${session.id}`, 200, SessionDetail), (d) =>
          Option.fromNullable(d.messages.find((m) => m.id === last && m.status !== "streaming"))),
        "the continued answer to end",
        "30 seconds"
      )
      expect([continued.status, continued.content]).toEqual(["complete", `${kept} (continued)`])
      const prefill = at(fake.requests[fake.requests.length - 1]?.body, "messages")
      expect(Array.isArray(prefill) ? at(prefill[prefill.length - 1], "content") : undefined).toBe(kept)

      server.child.kill("SIGTERM")
      expect(yield* exitOf(server)).toEqual({ code: 0, signal: null })
      const verify = yield* cli("verify", { DATABASE_URL: databaseUrl })
      expect(verify.code, verify.output).toBe(0)
    }),
    240_000
  )
})
