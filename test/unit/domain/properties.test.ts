import { Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Session from "../../../src/domain/session/decider.ts"
import type { SessionEvent } from "../../../src/domain/session/events.ts"
import { SessionState } from "../../../src/domain/session/state.ts"
import { deepFreeze, run, step } from "./sessionSteps.ts"

/** The ids of the messages shown, worked out from the events by the plainest reading of each. */
const shownIds = (events: ReadonlyArray<SessionEvent>): Array<string> => {
  let ids: Array<string> = []
  for (const e of events) {
    switch (e._tag) {
      case "UserMessagePosted":
      case "AssistantMessageStarted":
        ids.push(e.message_id)
        break
      case "MessagesCopied":
        ids.push(...e.messages.map((m) => m.id))
        break
      case "MessagesDeleted":
      case "MessagesSetAside":
        ids = ids.filter((id) => !new Set<string>(e.message_ids).has(id))
        break
      case "AlternativeSelected":
        ids = [...ids.slice(0, ids.indexOf(e.after) + 1), ...e.shown]
        break
      default:
        break
    }
  }
  return ids
}

describe("session decider properties", () => {
  it("fold agrees with a plain model of the shown messages, is incremental, and evolve never mutates its input", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 5, maxLength: 30 }), (steps) => {
        const events = run(steps)
        const state = Session.fold(events)
        expect(state.messages.map((m) => m.id)).toEqual(shownIds(events))
        expect(state.version).toBe(events.length)
        let incremental = Session.initialState
        for (const [i, event] of events.entries()) {
          const before = deepFreeze(incremental)
          const snapshot = structuredClone(before)
          incremental = Session.evolve(before, deepFreeze(event))
          expect(before).toStrictEqual(snapshot)
          expect(incremental).toStrictEqual(Session.fold(events.slice(0, i + 1)))
        }
        expect(incremental).toStrictEqual(state)
      }),
      { numRuns: 100 }
    )
  })

  it("the open message, when set, is the last message and is streaming", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 5, maxLength: 30 }), (steps) => {
        const state = Session.fold(run(steps))
        if (state.open_message_id !== null) {
          const last = state.messages[state.messages.length - 1]
          expect(last.id).toBe(state.open_message_id)
          expect(last.status).toBe("streaming")
        }
        expect(state.messages.filter((m) => m.status === "streaming").length).toBeLessThanOrEqual(1)
      }),
      { numRuns: 100 }
    )
  })
})

it("a folded state encodes to JSON and decodes back (served by the state-at-version reader)", () => {
  fc.assert(
    fc.property(fc.array(step, { minLength: 5, maxLength: 30 }), (steps) => {
      const state = Session.fold(run(steps))
      const json: unknown = JSON.parse(JSON.stringify(Schema.encodeSync(SessionState)(state)))
      expect(Schema.decodeUnknownSync(SessionState)(json)).toStrictEqual(state)
    }),
    { numRuns: 50 }
  )
})

it("generated sequences exercise most event types", () => {
  const seen = new Set<string>()
  fc.sample(fc.array(step, { minLength: 5, maxLength: 30 }), { numRuns: 200, seed: 42 }).forEach((steps) =>
    run(steps).forEach((e) => seen.add(e._tag))
  )
  expect([...seen].sort()).toStrictEqual([
    "AlternativeSelected", "AssistantMessageCancelled", "AssistantMessageCompleted", "AssistantMessageFailed", "AssistantMessageInterrupted",
    "AssistantMessageStarted", "MessagesDeleted", "MessagesSetAside", "ReasoningDelta", "SessionCreated", "SessionRenamed", "TextDelta",
    "ToolCallRequested", "ToolResultRecorded", "UserMessagePosted"
  ])
})
