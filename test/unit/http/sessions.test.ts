import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, TestClock } from "effect"
import { makeSessions } from "../../../src/http/security/sessions.ts"

describe("login sessions", () => {
  it.effect("a session is valid until its time is up, and not one second longer", () =>
    Effect.gen(function* () {
      const sessions = makeSessions("the-token", Duration.hours(2))
      const value = yield* sessions.issue
      expect(yield* sessions.isValid(value)).toBe(true)
      yield* TestClock.adjust(Duration.seconds(2 * 3600 - 1))
      expect(yield* sessions.isValid(value)).toBe(true)
      yield* TestClock.adjust(Duration.seconds(1))
      expect(yield* sessions.isValid(value)).toBe(false)
    }))

  it.effect("a session signed under another token is refused, and a changed token ends every session", () =>
    Effect.gen(function* () {
      const value = yield* makeSessions("old-token", Duration.days(1)).issue
      expect(yield* makeSessions("old-token", Duration.days(1)).isValid(value)).toBe(true)
      expect(yield* makeSessions("new-token", Duration.days(1)).isValid(value)).toBe(false)
    }))

  it.effect("revoking one session leaves the others valid", () =>
    Effect.gen(function* () {
      const sessions = makeSessions("the-token", Duration.days(1))
      const a = yield* sessions.issue
      const b = yield* sessions.issue
      expect(a).not.toBe(b)
      yield* sessions.revoke(a)
      expect(yield* sessions.isValid(a)).toBe(false)
      expect(yield* sessions.isValid(b)).toBe(true)
    }))

  it.effect("malformed values are refused without throwing", () =>
    Effect.gen(function* () {
      const sessions = makeSessions("the-token", Duration.days(1))
      const [v, expires, nonce] = (yield* sessions.issue).split(".")
      for (const bad of [undefined, "", "v1", "the-token", `${v}.${expires}.${nonce}`, `${v}.${expires}.${nonce}.`, `v2.${expires}.${nonce}.x`])
        expect(yield* sessions.isValid(bad)).toBe(false)
    }))
})
