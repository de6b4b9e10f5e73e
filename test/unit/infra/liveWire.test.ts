import { describe, expect, it } from "vitest"
import { LiveHub } from "../../../src/infra/live/LiveHub.ts"
import { packWire, parseWire, type WirePiece } from "../../../src/infra/live/liveWire.ts"
import { Effect } from "effect"
import { seeded } from "../../support/seeded.ts"

const session = "11111111-1111-4111-8111-111111111111"
const message = "22222222-2222-4222-8222-222222222222"

/** Text with every kind of character that grows when encoded: emoji (surrogate pairs), accents, control characters, quotes. */
const awkwardText = (length: number, seed: number) => {
  const random = seeded(seed)
  const alphabet = ["a", "é", "😀", "\u0001", "\"", "\\", "\n", "中", " "]
  let text = ""
  while (text.length < length) text += alphabet[Math.floor(random() * alphabet.length)]
  return text.slice(0, length)
}

describe("live wire between instances", () => {
  it("carries each piece's log version (`after`), cut pieces included; five-element pieces of older instances still read", () => {
    const long = awkwardText(2_500, 7)
    const payloads = packWire("box-a:4040", [[session, message, "t", 0, long, 12], [session, message, "r", 0, "why", 9]], [])
    const pieces = payloads.flatMap((p) => parseWire(p)?.pieces ?? [])
    expect(pieces.map(([, , kind, offset, text, after]) => [kind, offset, text.length, after])).toEqual([
      ["t", 0, 1_000, 12], ["t", 1_000, 1_000, 12], ["t", 2_000, 500, 12], ["r", 0, 3, 9]
    ])
    const older = parseWire(JSON.stringify({ v: 1, from: "box-b:4040", pieces: [[session, message, "t", 4, "text"]] }))
    expect(older?.pieces).toEqual([[session, message, "t", 4, "text"]])
  })

  it("packs any text into payloads NOTIFY accepts (under 8,000 bytes) that rebuild it exactly, in order", () => {
    for (const seed of [1, 2, 3]) {
      const text = awkwardText(20_000, seed)
      const reasoning = awkwardText(3_000, seed + 10)
      const pieces: Array<WirePiece> = [[session, message, "r", 0, reasoning], [session, message, "t", 0, text.slice(0, 7_000)], [session, message, "t", 7_000, text.slice(7_000)]]
      const payloads = packWire("box-a:4040", pieces, [[session, message]])
      expect(payloads.length).toBeGreaterThan(1)
      let rebuilt = ""
      let thought = ""
      let ended = 0
      for (const payload of payloads) {
        expect(Buffer.byteLength(payload)).toBeLessThan(8_000)
        const wire = parseWire(payload)
        expect(wire?.from).toBe("box-a:4040")
        for (const [, , kind, offset, piece] of wire?.pieces ?? []) {
          if (kind === "t") {
            expect(offset).toBe(rebuilt.length)
            rebuilt += piece
          } else {
            expect(offset).toBe(thought.length)
            thought += piece
          }
        }
        ended += wire?.ended?.length ?? 0
      }
      expect(rebuilt).toBe(text)
      expect(thought).toBe(reasoning)
      expect(ended).toBe(1)
    }
  })

  it("ignores payloads that are not the wire's shape", () => {
    expect(parseWire("not json")).toBeUndefined()
    expect(parseWire(JSON.stringify({ v: 2, from: "x" }))).toBeUndefined()
    expect(parseWire(JSON.stringify({ v: 1, from: "x", pieces: [["s", "m", "t", "0", "x"]] }))).toBeUndefined()
  })

  it("a hub applies another instance's pieces from offset 0 on, drops what it has, and reports a gap", () =>
    Effect.runSync(Effect.gen(function* () {
      const hub = yield* LiveHub
      const piece = (offset: number, text: string) => ({ session_id: session, message_id: message, kind: "text" as const, offset, text })
      expect(hub.applyRemote(piece(5, "late"))).toBe("gap")
      expect(hub.peek(session)).toBeNull()
      expect(hub.applyRemote(piece(0, "Hello"))).toBe("applied")
      expect(hub.applyRemote(piece(3, "lo, w"))).toBe("applied")
      expect(hub.applyRemote(piece(0, "Hel"))).toBe("duplicate")
      expect(hub.applyRemote(piece(20, "far"))).toBe("gap")
      expect(hub.peek(session)).toEqual({ message_id: message, text: "Hello, w", reasoning: "", after: 0 })
      hub.endRemote(session, message)
      expect(hub.peek(session)).toBeNull()
    }).pipe(Effect.provide(LiveHub.layer))))
})
