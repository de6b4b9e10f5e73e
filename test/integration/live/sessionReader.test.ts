import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { MessageId, ToolCallId } from "../../../src/domain/index.ts"
import { LiveHub } from "../../../src/infra/live/LiveHub.ts"
import type { Piece } from "../../../src/infra/live/pieces.ts"
import { SessionReaders } from "../../../src/infra/live/SessionReaders.ts"
import { SessionRepository } from "../../../src/infra/repositories/SessionRepository.ts"
import { engineLayer, newSession } from "../../support/engine.ts"
import { eventually } from "../turns/helpers.ts"

const Live = SessionReaders.layer.pipe(Layer.provideMerge(engineLayer()))

const describePiece = (piece: Piece) =>
  piece._tag === "Delta" ? `delta ${piece.message_id} ${piece.offset} ${piece.text}` : `${piece.event._tag} ${piece.version}`

layer(Live, { excludeTestServices: true, timeout: 60_000 })("session reader", (it) => {
  it.scoped("live text is held until the log tail has relayed the events it follows (the message's start, a tool call), then follows them in order", () =>
    Effect.gen(function* () {
      const { sessionId } = yield* newSession
      const readers = yield* SessionReaders
      const hub = yield* LiveHub
      const sessions = yield* SessionRepository
      const reader = yield* readers.acquire(sessionId)
      const received: Array<Piece> = []
      const joined = reader.join({ push: (piece) => void received.push(piece) })
      expect(joined.inFlight).toBeNull()

      // The turn's first token reaches the hub before the reader has read the message's start.
      const messageId = MessageId.make(crypto.randomUUID())
      yield* hub.begin(sessionId, messageId)
      yield* hub.publish({ session_id: sessionId, message_id: messageId, kind: "text", offset: 0, text: "Hel" })
      // The hub calls its listeners synchronously: had the piece gone out, it would be here now.
      expect(received.map(describePiece)).toEqual([])
      // A socket joining now is not handed that text as in-flight either: it comes with the held pieces.
      const late: Array<Piece> = []
      expect(reader.join({ push: (piece) => void late.push(piece) }).inFlight).toBeNull()

      const at = new Date().toISOString()
      const started = yield* sessions.execute(sessionId, () => ({
        _tag: "StartAssistantMessage", session_id: sessionId, message_id: messageId, model: null, at
      }))
      yield* eventually(Effect.sync(() => (received.length >= 2 ? Option.some(received) : Option.none())), "the start and the held text")
      const expected = [`AssistantMessageStarted ${started.version}`, `delta ${messageId} 0 Hel`]
      expect(received.map(describePiece)).toEqual(expected)
      expect(late.map(describePiece)).toEqual(expected)

      // Once started, later text goes out at once.
      yield* hub.publish({ session_id: sessionId, message_id: messageId, kind: "text", offset: 3, text: "lo" })
      expect(received.map(describePiece)).toEqual([...expected, `delta ${messageId} 3 lo`])

      // Text that came after a tool call the log tail has not relayed yet waits for it, and so does
      // the text behind it.
      const callVersion = started.version + 1
      yield* hub.publish({ session_id: sessionId, message_id: messageId, kind: "text", offset: 5, text: " again", after: callVersion })
      yield* hub.publish({ session_id: sessionId, message_id: messageId, kind: "text", offset: 11, text: "!" })
      expect(received.length).toBe(3)
      const call = yield* sessions.execute(sessionId, () => ({
        _tag: "RequestToolCall", session_id: sessionId, message_id: messageId, tool_call_id: ToolCallId.make("call_1"),
        name: "list_dir", args: "{}", at
      }))
      expect(call.version).toBe(callVersion)
      yield* eventually(Effect.sync(() => (received.length >= 6 ? Option.some(received) : Option.none())), "the call and the held text")
      expect(received.slice(3).map(describePiece)).toEqual([
        `ToolCallRequested ${callVersion}`, `delta ${messageId} 5  again`, `delta ${messageId} 11 !`
      ])
      yield* hub.end(sessionId)
    })
  )
})
