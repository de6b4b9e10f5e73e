import { describe, expect, it } from "@effect/vitest"
import { Duration, Option } from "effect"
import { parseRetryAfter, retryDelay } from "../../../src/infra/llm/busyRetry.ts"
import type { LlmConfig } from "../../../src/infra/llm/LlmConfig.ts"

const config: LlmConfig = {
  baseUrl: "http://10.0.0.9:8080",
  apiKey: Option.none(),
  connectTimeout: Duration.seconds(10),
  firstByteTimeout: Duration.seconds(120),
  idleTimeout: Duration.seconds(60),
  loadingRetries: 5,
  loadingBackoff: Duration.seconds(1)
}
const now = Date.parse("2026-05-01T12:00:00Z")
const millis = (d: Duration.Duration) => Duration.toMillis(d)

// The 30 s cap cannot be waited for in a test against the scripted server, so the policy is checked on its own.
describe("LlmClient busy-server retry policy", () => {
  it("Retry-After in seconds is honoured up to 30 s per retry", () => {
    expect(millis(retryDelay(config, 0, parseRetryAfter("7", now)))).toBe(7000)
    expect(millis(retryDelay(config, 0, parseRetryAfter("3600", now)))).toBe(30_000)
  })

  it("Retry-After as an HTTP-date counts from now, and a past date means no wait", () => {
    expect(millis(retryDelay(config, 0, parseRetryAfter("Fri, 01 May 2026 12:00:12 GMT", now)))).toBe(12_000)
    expect(millis(retryDelay(config, 0, parseRetryAfter("Fri, 01 May 2026 13:00:00 GMT", now)))).toBe(30_000)
    expect(millis(retryDelay(config, 0, parseRetryAfter("Fri, 01 May 2026 11:00:00 GMT", now)))).toBe(0)
  })

  it("without a readable Retry-After the wait doubles from the backoff, capped at 10 s", () => {
    expect(parseRetryAfter("soon", now)).toEqual(Option.none())
    expect(parseRetryAfter(undefined, now)).toEqual(Option.none())
    expect([0, 1, 2, 3, 4, 5].map((n) => millis(retryDelay(config, n, Option.none())))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000])
  })
})
