import { Either, Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as C from "../../../src/domain/session/commands.ts"
import * as Session from "../../../src/domain/session/decider.ts"
import type { SessionEvent } from "../../../src/domain/session/events.ts"
import { SessionState } from "../../../src/domain/session/state.ts"
import { at, cmd, created, msg, sessionId } from "./builders.ts"

/** A step picks a kind of command; it is turned into a concrete command against the current state. */
const step = fc.record({
  kind: fc.constantFrom("post", "text", "reasoning", "tool", "result", "complete", "fail", "cancel", "interrupt", "rename",
    "deleteFrom", "regenerate", "edit"),
  text: fc.string({ minLength: 0, maxLength: 6, unit: "grapheme" }),
  n: fc.nat(3)
})
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never

const pick = (state: SessionState, n: number) =>
  state.messages.length === 0 ? msg(0) : state.messages[n % state.messages.length].id

const toCommand = (s: Step, state: SessionState, next: () => number): C.SessionCommand => {
  const open = state.open_message_id
  const openMsg = state.messages.find((m) => m.id === open)
  const id = open === null ? msg(0) : open
  const n = Number.parseInt(id.slice(-12), 16)
  switch (s.kind) {
    case "post": return cmd.post(next(), next(), s.text.length > 0 ? s.text : "q")
    case "text": return cmd.appendText(n, openMsg?.content.length ?? 0, s.text)
    case "reasoning": return cmd.appendReasoning(n, openMsg?.reasoning.length ?? 0, s.text)
    case "tool": return cmd.requestTool(n, s.n)
    case "result": {
      const pending = openMsg?.tool_calls.find((c) => !openMsg.tool_results.some((r) => r.tool_call_id === c.id))
      return pending === undefined ? cmd.recordTool(n, s.n) : cmd.recordTool(n, Number(pending.id.slice(5)))
    }
    case "complete": return cmd.complete(n)
    case "fail": return cmd.fail(n)
    case "cancel": return cmd.cancel(n)
    case "interrupt": return cmd.interrupt(n)
    case "rename": return cmd.rename(s.text.length > 0 ? s.text : "x", s.n % 2 === 0 ? "user" : "auto")
    case "deleteFrom": return C.DeleteMessagesFrom.make({ session_id: sessionId, message_id: pick(state, s.n), at })
    case "regenerate":
      return C.RegenerateFrom.make({ session_id: sessionId, message_id: pick(state, s.n), assistant_message_id: msg(next()), model: null, at })
    case "edit": return C.EditUserMessage.make({
      session_id: sessionId, message_id: pick(state, s.n), new_message_id: msg(next()), assistant_message_id: msg(next()),
      content: "edited", model: null, at
    })
  }
}

const run = (steps: ReadonlyArray<Step>): ReadonlyArray<SessionEvent> => {
  let counter = 0
  const next = () => ++counter
  const events: Array<SessionEvent> = [created]
  let state = Session.fold(events)
  for (const s of steps) {
    const result = Session.decide(toCommand(s, state, next), state)
    if (Either.isRight(result)) {
      events.push(...result.right)
      state = result.right.reduce(Session.evolve, state)
    }
  }
  return events
}

const deepFreeze = <T>(value: T): T => {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

describe("session decider properties", () => {
  it("fold is deterministic, incremental, and evolve never mutates its input", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 5, maxLength: 30 }), (steps) => {
        const events = run(steps)
        const state = Session.fold(events)
        expect(Session.fold(events)).toStrictEqual(state)
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
    "AssistantMessageCancelled", "AssistantMessageCompleted", "AssistantMessageFailed", "AssistantMessageInterrupted",
    "AssistantMessageStarted", "MessagesDeleted", "ReasoningDelta", "SessionCreated", "SessionRenamed", "TextDelta",
    "ToolCallRequested", "ToolResultRecorded", "UserMessagePosted"
  ])
})
