import { readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { DomainEvent, domainEventTypes } from "../../../src/domain/events.ts"
import { partsOf } from "../../../src/domain/session/parts.ts"

const dir = fileURLToPath(new URL("../../fixtures/events/", import.meta.url))
const readJson = (file: string): unknown => {
  const value: unknown = JSON.parse(readFileSync(dir + file, "utf8"))
  return value
}
const decode = Schema.decodeUnknownSync(DomainEvent)
const encode = Schema.encodeSync(DomainEvent)

describe("golden event fixtures", () => {
  it("has one fixture per event type", () => {
    const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort()
    expect(files).toStrictEqual(domainEventTypes.map((t) => `${t}.json`).sort())
  })

  it.each(domainEventTypes)("%s decodes and round-trips", (type) => {
    const stored = readJson(`${type}.json`)
    const event = decode(stored)
    expect(event._tag).toBe(type)
    expect(encode(event)).toStrictEqual(stored)
  })
})

describe("legacy event versions (G7)", () => {
  it("SessionCreated v1 without model and system_prompt decodes with defaults", () => {
    const event = decode(readJson("legacy/SessionCreated.v1.json"))
    expect(event).toMatchObject({ _tag: "SessionCreated", model: null, system_prompt: "" })
    expect(encode(event)).toMatchObject({ model: null, system_prompt: "" })
  })

  it("ToolResultRecorded v1 without truncated decodes with truncated false", () => {
    const event = decode(readJson("legacy/ToolResultRecorded.v1.json"))
    expect(event).toMatchObject({ _tag: "ToolResultRecorded", truncated: false })
    expect(event).not.toHaveProperty("error")
  })

  it("AssistantMessageStarted v1 without owner decodes without one (any instance may close that turn)", () => {
    const stored = readJson("legacy/AssistantMessageStarted.v1.json")
    const event = decode(stored)
    expect(event).toMatchObject({ _tag: "AssistantMessageStarted", model: "qwen3-coder" })
    expect(event).not.toHaveProperty("owner")
    expect(encode(event)).toStrictEqual(stored)
  })

  it("MessagesCopied v1, messages without parts: decode with none, and read in the order they were shown (reasoning, tools, text)", () => {
    const stored = readJson("legacy/MessagesCopied.v1.json")
    const event = decode(stored)
    if (event._tag !== "MessagesCopied") throw new Error(event._tag)
    const [user, assistant] = event.messages
    expect(assistant.parts).toEqual([])
    expect(partsOf(user)).toEqual([{ type: "text", start: 0, end: user.content.length }])
    expect(partsOf(assistant)).toEqual([
      { type: "reasoning", start: 0, end: assistant.reasoning.length },
      { type: "tool_call", tool_call_id: "call_1" },
      { type: "tool_result", tool_call_id: "call_1" },
      { type: "text", start: 0, end: assistant.content.length }
    ])
  })

  it("rejects an event with a malformed id", () => {
    const stored = readJson("UserMessagePosted.json")
    expect(() => decode({ ...Object(stored), message_id: "not-a-uuid" })).toThrow()
  })
})
