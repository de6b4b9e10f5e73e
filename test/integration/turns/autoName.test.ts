import { expect, layer } from "@effect/vitest"
import { Effect, Option, Schema } from "effect"
import { SessionService } from "../../../src/app/sessions/SessionService.ts"
import { engineLayer, newSession, waitForEnd } from "../../support/engine.ts"
import { FakeLlmServer, textReply } from "../../support/fakeLlm/index.ts"
import { eventually } from "./helpers.ts"

const NamingBody = Schema.Struct({
  messages: Schema.Array(Schema.Struct({ role: Schema.String, content: Schema.String })),
  tools: Schema.optional(Schema.Array(Schema.Unknown))
})

/** After the first exchange a short completion names the session, unless the user named it. */
layer(engineLayer({ BOOCODE_AUTO_NAME: "true" }), { timeout: 60_000, excludeTestServices: true })("turns: auto-naming", (it) => {
  it.scoped("names the session from a reply with a think-block and quotes", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const sessions = yield* SessionService
      const { sessionId } = yield* newSession
      fake.enqueue(textReply("42, of course."), textReply("<think>hmm</think>\"Answer to everything.\""))
      const before = fake.requests.length
      const posted = yield* sessions.postMessage(sessionId, "What is the answer to everything?")
      expect((yield* waitForEnd(sessionId, posted.assistant_message_id)).status).toBe("complete")
      const named = yield* eventually(
        Effect.map(sessions.get(sessionId), ({ state }) => (state.name_by === "auto" ? Option.some(state) : Option.none())),
        "the auto name"
      )
      expect(named.name).toBe("Answer to everything")
      expect(fake.requests.length - before).toBe(2)
      const naming = Schema.decodeUnknownSync(NamingBody)(fake.requests[fake.requests.length - 1].body)
      expect(naming.tools ?? []).toEqual([])
      const prompt = naming.messages.map((m) => m.content).join("\n")
      expect(prompt).toContain("What is the answer to everything?")
      expect(prompt).toContain("42, of course.")
    })
  )
})
