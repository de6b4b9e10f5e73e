import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Session from "../../../src/domain/session/decider.ts"
import * as E from "../../../src/domain/session/events.ts"
import type { SessionEvent } from "../../../src/domain/session/events.ts"
import type { SessionState } from "../../../src/domain/session/state.ts"
import { at, completed, created, msg, otherSessionId, projectId, sessionId, started, text, userPosted } from "./builders.ts"
import { deepFreeze, run, step } from "./sessionSteps.ts"

const evolveEach = (events: ReadonlyArray<SessionEvent>, from: SessionState = Session.initialState) =>
  events.reduce(Session.evolve, from)

/** A fork: the new session starts with the finished messages of a source session, copied in one event. */
const forkOf = (source: SessionState): ReadonlyArray<SessionEvent> => {
  const messages = source.messages.filter((m) => m.status !== "streaming")
  return [
    E.SessionCreated.make({
      session_id: sessionId, project_id: projectId, name: "Fork", model: "m1", system_prompt: "", at,
      forked_from: { session_id: otherSessionId, version: source.version, message_id: messages.at(-1)?.id ?? msg(1) }
    }),
    E.MessagesCopied.make({ session_id: sessionId, messages, at })
  ]
}

describe("fold", () => {
  it("gives exactly the state of evolve applied event by event, from any starting state, without changing it", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 5, maxLength: 80 }), fc.nat(), (steps, cut) => {
        const events = deepFreeze(run(steps))
        const expected = evolveEach(events)
        expect(Session.fold(events)).toStrictEqual(expected)
        const at = cut % (events.length + 1)
        const from = deepFreeze(evolveEach(events.slice(0, at)))
        const before = structuredClone(from)
        expect(Session.fold(events.slice(at), from)).toStrictEqual(expected)
        expect(from).toStrictEqual(before)
      }),
      { numRuns: 200, seed: 1010 }
    )
  })

  it("gives the same state as evolve on a fork, and never changes the copied messages of the event", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 5, maxLength: 40 }), fc.array(step, { minLength: 5, maxLength: 40 }), (a, b) => {
        const source = Session.fold(run(a))
        const events = deepFreeze(run(b, forkOf(source), 1000))
        const copied = structuredClone(events[1])
        expect(Session.fold(events)).toStrictEqual(evolveEach(events))
        expect(events[1]).toStrictEqual(copied)
      }),
      { numRuns: 100, seed: 2020 }
    )
  })

  it("a delta costs the same in a session of 10 messages as in one of 20,000 (it does not copy the message list)", () => {
    const base = Session.fold([created])
    const sessionOf = (messages: number): SessionState => ({
      ...base,
      messages: Array.from({ length: messages }, (_, i) => ({ ...Session.fold([created, userPosted(i + 1)]).messages[0] })),
      version: messages + 1
    })
    const deltas = Array.from({ length: 20_000 }, (_, i) => text(1_000_000, i, "x"))
    const reply = [userPosted(999_999), started(1_000_000), ...deltas, completed(1_000_000)]
    const fastest = (from: SessionState) => {
      let best = Infinity
      for (let run = 0; run < 5; run++) {
        const t = performance.now()
        const state = Session.fold(reply, from)
        best = Math.min(best, performance.now() - t)
        expect(state.messages[state.messages.length - 1].content).toBe("x".repeat(20_000))
      }
      return best
    }
    const small = fastest(sessionOf(10))
    const large = fastest(sessionOf(20_000))
    // A complexity check, not a speed goal: copying 20,000 entries per delta made the large one some
    // 300× slower (33 s); the bound leaves an order of magnitude for a loaded machine.
    expect(large).toBeLessThan(10 * small + 50)
  })
})

