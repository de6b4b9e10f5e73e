import { Either } from "effect"
import fc from "fast-check"
import * as C from "../../../src/domain/session/commands.ts"
import * as Session from "../../../src/domain/session/decider.ts"
import type { SessionEvent } from "../../../src/domain/session/events.ts"
import type { SessionState } from "../../../src/domain/session/state.ts"
import { at, cmd, created, msg, sessionId } from "./builders.ts"

/** A step picks a kind of command; it is turned into a concrete command against the current state. */
export const step = fc.record({
  kind: fc.constantFrom("post", "text", "reasoning", "tool", "result", "complete", "fail", "cancel", "interrupt", "rename",
    "deleteFrom", "regenerate", "edit", "select"),
  text: fc.string({ minLength: 0, maxLength: 6, unit: "grapheme" }),
  n: fc.nat(3)
})
export type Step = typeof step extends fc.Arbitrary<infer T> ? T : never

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
    case "select":
      return C.SelectAlternative.make({ session_id: sessionId, message_id: pick(state, s.n), index: s.n % 3, at })
    case "edit": return C.EditUserMessage.make({
      session_id: sessionId, message_id: pick(state, s.n), new_message_id: msg(next()), assistant_message_id: msg(next()),
      content: "edited", model: null, at
    })
  }
}

/** The events a run of steps appends after `start` (commands the decider refuses are skipped). */
export const run = (steps: ReadonlyArray<Step>, start: ReadonlyArray<SessionEvent> = [created], firstId = 0): ReadonlyArray<SessionEvent> => {
  let counter = firstId
  const next = () => ++counter
  const events: Array<SessionEvent> = [...start]
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

export const deepFreeze = <T>(value: T): T => {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}
