import { Effect, Logger, LogLevel, Option, Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Session from "../../../src/domain/session/decider.ts"
import { SessionState } from "../../../src/domain/session/state.ts"
import { SNAPSHOT_SCHEMA_VERSION, snapshotState } from "../../../src/infra/readmodels/sessionSnapshots.ts"
import { withFinishedTexts, withoutFinishedTexts } from "../../../src/infra/readmodels/sessionSnapshotTexts.ts"
import { isSessionStateShape } from "../../../src/infra/readmodels/sessionStateShape.ts"
import { run, step } from "../domain/sessionSteps.ts"

const encode = Schema.encodeSync(SessionState)
const jsonOf = (state: SessionState) => JSON.stringify(encode(state))
const read = (state: string, version: number, schema_version = SNAPSHOT_SCHEMA_VERSION) =>
  Effect.runSync(snapshotState("s", { version, schema_version, state }).pipe(Logger.withMinimumLogLevel(LogLevel.None)))

/** A state with every optional part filled: fork origin, usage, timings, error, tool calls and results. */
const rich: SessionState = (() => {
  const base = Session.fold(run([
    { kind: "post", text: "q", n: 0 }, { kind: "tool", text: "", n: 1 }, { kind: "result", text: "", n: 0 },
    { kind: "text", text: "hé😀", n: 0 }, { kind: "complete", text: "", n: 0 }, { kind: "post", text: "r", n: 0 },
    { kind: "fail", text: "", n: 0 }
  ]))
  const [first, second, ...rest] = base.messages
  return {
    ...base,
    forked_from: { session_id: "00000000-0000-4000-8000-00000000000a", version: 3, message_id: first.id } as SessionState["forked_from"],
    messages: [first, { ...second, usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }, ctx_used: 3, ctx_max: 8, timings: { predicted_ms: 1.5 } }, ...rest]
  }
})()

describe("snapshot state: fast path and careful path", () => {
  it("a folded state's JSON passes the shape check and loads as that state", () => {
    expect(rich.messages.some((m) => m.tool_calls.length > 0 && m.tool_results.length > 0)).toBe(true)
    expect(rich.messages.some((m) => m.error !== null)).toBe(true)
    expect(isSessionStateShape(JSON.parse(jsonOf(rich)))).toBe(true)
    expect(read(jsonOf(rich), rich.version)).toStrictEqual(Option.some(rich))
    fc.assert(
      fc.property(fc.array(step, { minLength: 5, maxLength: 30 }), (steps) => {
        const state = Session.fold(run(steps))
        expect(isSessionStateShape(JSON.parse(jsonOf(state)))).toBe(true)
        expect(read(jsonOf(state), state.version)).toStrictEqual(Option.some(state))
      }),
      { numRuns: 50 }
    )
  })

  it("JSON the shape check refuses but Schema accepts loads through the careful path, to the same state", () => {
    const encoded = encode(rich)
    // Keys Schema drops (an older writer's extra field) are not in the fast path's exact shape.
    const extra = { ...encoded, note: "old", messages: encoded.messages.map((m) => ({ ...m, legacy: 1 })) }
    expect(isSessionStateShape(extra)).toBe(false)
    expect(read(JSON.stringify(extra), rich.version)).toStrictEqual(Option.some(rich))
  })

  it("a snapshot that neither path accepts, of another format, or of another version is not used", () => {
    const encoded = encode(rich)
    const badContent = { ...encoded, messages: encoded.messages.map((m, i) => (i === 1 ? { ...m, content: 7 } : m)) }
    const badStatus = { ...encoded, messages: encoded.messages.map((m, i) => (i === 0 ? { ...m, status: "gone" } : m)) }
    const missing: Record<string, unknown> = { ...encoded }
    delete missing.open_message_id
    for (const bad of [badContent, badStatus, missing, [], null]) {
      expect(isSessionStateShape(bad)).toBe(false)
      expect(read(JSON.stringify(bad), rich.version)).toStrictEqual(Option.none())
    }
    expect(read("{not json", rich.version)).toStrictEqual(Option.none())
    expect(read(jsonOf(rich), rich.version, SNAPSHOT_SCHEMA_VERSION - 1)).toStrictEqual(Option.none())
    expect(read(jsonOf(rich), rich.version + 1)).toStrictEqual(Option.none())
  })
})

describe("snapshot texts: left out of the stored form, put back from the messages read model", () => {
  const streaming: SessionState = Session.fold(run([
    { kind: "post", text: "q", n: 0 }, { kind: "text", text: "ab", n: 0 }, { kind: "complete", text: "", n: 0 },
    { kind: "post", text: "r", n: 0 }, { kind: "reasoning", text: "hm", n: 0 }, { kind: "text", text: "cd", n: 0 }
  ]))
  const texts = new Map(streaming.messages.filter((m) => m.status !== "streaming").map((m) => [m.id, { content: m.content, reasoning: m.reasoning }]))

  it("keeps only the streaming message's text, and the read model's texts restore the state", () => {
    const stored = withoutFinishedTexts(streaming)
    expect(stored.messages.map((m) => [m.status, m.content, m.reasoning])).toStrictEqual([
      ["complete", "", ""], ["complete", "", ""], ["complete", "", ""], ["streaming", "cd", "hm"]
    ])
    expect(withFinishedTexts(stored, texts)).toStrictEqual(Option.some(streaming))
  })

  it("is not usable when a finished message's text is missing", () => {
    const partial = new Map(texts)
    partial.delete(streaming.messages[1].id)
    expect(withFinishedTexts(withoutFinishedTexts(streaming), partial)).toStrictEqual(Option.none())
  })
})
