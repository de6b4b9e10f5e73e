import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { SessionService } from "../../../src/app/sessions/SessionService.ts"
import { engineLayer, loggedText, newSession, waitForEnd } from "../../support/engine.ts"
import { closing, delta, FakeLlmServer, type Script } from "../../support/fakeLlm/index.ts"

/**
 * A real refusal by the database: a trigger, on this file's own database, refuses every TextDelta
 * holding ALWAYS-REFUSED, and the first one holding REFUSED-ONCE (a sequence counts outside the
 * refused transaction).
 */
const installRefusals = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`CREATE SEQUENCE IF NOT EXISTS test_refused_once`)
  yield* sql.unsafe(`CREATE OR REPLACE FUNCTION test_refuse_marked_delta() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.type = 'TextDelta' AND NEW.data->>'text' LIKE '%ALWAYS-REFUSED%' THEN
        RAISE EXCEPTION 'the test refuses this batch';
      END IF;
      IF NEW.type = 'TextDelta' AND NEW.data->>'text' LIKE '%REFUSED-ONCE%' AND nextval('test_refused_once') = 1 THEN
        RAISE EXCEPTION 'the test refuses this batch once';
      END IF;
      RETURN NEW;
    END $$`)
  yield* sql.unsafe(`CREATE OR REPLACE TRIGGER test_refuse_marked_delta BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION test_refuse_marked_delta()`)
})

/** Two pieces, a pause long enough for them to be flushed, the marked piece, then more, slowly. */
const markedReply = (marker: string): Script => ({
  steps: [
    delta({ content: "kept 1 " }),
    delta({ content: "kept 2 " }),
    { delayMs: 1500 },
    delta({ content: `${marker} ` }),
    { delayMs: 3000 },
    delta({ content: "never sent" }),
    ...closing("stop")
  ]
})

const askRefused = (marker: string) =>
  Effect.gen(function* () {
    const fake = yield* FakeLlmServer
    const sessions = yield* SessionService
    yield* installRefusals
    const { sessionId } = yield* newSession
    fake.enqueue(markedReply(marker))
    const closed = fake.closedEarly
    const posted = yield* sessions.postMessage(sessionId, "Talk")
    const message = yield* waitForEnd(sessionId, posted.assistant_message_id)
    // the turn stopped its upstream instead of reading on into text it could not keep
    expect(yield* Effect.promise(() => fake.waitClosedEarly(closed + 1, 5000))).toBe(true)
    return { message, logged: yield* loggedText(sessionId, posted.assistant_message_id) }
  })

layer(engineLayer(), { timeout: 60_000, excludeTestServices: true })("turns: a write the database refuses", (it) => {
  it.scoped("a refused flush ends the turn failed with the text saved before it and says what happened", () =>
    Effect.gen(function* () {
      const { message, logged } = yield* askRefused("ALWAYS-REFUSED")
      expect(message.status).toBe("failed")
      expect(message.content).toBe("kept 1 kept 2 ")
      expect(logged).toBe("kept 1 kept 2 ")
      expect(message.error).toEqual({
        code: "storage_failed",
        message: "could not save the answer: the test refuses this batch; the text saved so far is kept"
      })
    })
  )

  it.scoped("text refused once is stored by the attempt that records the end", () =>
    Effect.gen(function* () {
      const { message, logged } = yield* askRefused("REFUSED-ONCE")
      expect(message.status).toBe("failed")
      expect(message.content).toBe("kept 1 kept 2 REFUSED-ONCE ")
      expect(logged).toBe("kept 1 kept 2 REFUSED-ONCE ")
      expect(message.error).toEqual({
        code: "storage_failed",
        message: "could not save the answer: the test refuses this batch once; the text saved so far is kept"
      })
    })
  )
})
