import { expect, layer } from "@effect/vitest"
import { Effect, Option, Schema } from "effect"
import { SessionService } from "../../../src/app/sessions/SessionService.ts"
import { engineLayer, newSession, waitForEnd } from "../../support/engine.ts"
import { errorMidStream, FakeLlmServer, textReply } from "../../support/fakeLlm/index.ts"
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
      // a second exchange does not rename it again
      fake.enqueue(textReply("Still 42."))
      const second = yield* sessions.postMessage(sessionId, "Sure?")
      yield* waitForEnd(sessionId, second.assistant_message_id)
      yield* Effect.sleep("300 millis")
      expect(fake.requests.length - before).toBe(3)
      expect((yield* sessions.get(sessionId)).state.name).toBe("Answer to everything")
    })
  )

  it.scoped("keeps a name the user gave", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const sessions = yield* SessionService
      const { sessionId } = yield* newSession
      yield* sessions.update(sessionId, { name: "My own name" })
      fake.enqueue(textReply("An answer."), textReply("A title nobody asked for"))
      const before = fake.requests.length
      const posted = yield* sessions.postMessage(sessionId, "q")
      expect((yield* waitForEnd(sessionId, posted.assistant_message_id)).status).toBe("complete")
      yield* Effect.sleep("300 millis")
      const { state } = yield* sessions.get(sessionId)
      expect(state.name).toBe("My own name")
      expect(state.name_by).toBe("user")
      expect(fake.requests.length - before).toBe(1) // never asked for a title
      fake.reset()
    })
  )

  it.scoped("does not name a session whose first answer failed", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLlmServer
      const sessions = yield* SessionService
      const { sessionId } = yield* newSession
      fake.enqueue(errorMidStream("Half", "boom"), textReply("A title nobody asked for"))
      const before = fake.requests.length
      const posted = yield* sessions.postMessage(sessionId, "q")
      expect((yield* waitForEnd(sessionId, posted.assistant_message_id)).status).toBe("failed")
      yield* Effect.sleep("300 millis")
      const { state } = yield* sessions.get(sessionId)
      expect(state.name_by).toBe("default")
      expect(fake.requests.length - before).toBe(1)
      fake.reset()
    })
  )
})
