import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { textReply } from "../../support/fakeLlm/index.ts"
import { seeded } from "../../support/seeded.ts"
import { TestAppServer, testAppLayer } from "../../support/testApp.ts"
import { at, call, str } from "./client.ts"
import { newSession, pause, waitIdle } from "./fixtures.ts"
import { makeResumingReader } from "./wsClient.ts"

const DROPS = Number(process.env.DROPS ?? 50)

/** A long reply with multi-unit characters (surrogate pairs, CJK, combining marks) split into small chunks. */
const longReply = () => {
  const words = ["alpha", "βeta", "гамма", "δέλτα", "🦀rust", "ε", "漢字", "e\u0301", "👩‍💻", "line\n"]
  return Array.from({ length: 1400 }, (_, i) => words[i % words.length] + (i % 7 === 0 ? ". " : " ")).join("")
}

layer(testAppLayer(), { excludeTestServices: true })("session socket resume", (it) => {
  it.effect(`a reader dropped ${DROPS} times mid-reply ends with exactly the reply`, () =>
    TestAppServer.pipe(
      Effect.flatMap((app) =>
        Effect.promise(async () => {
          const reply = longReply()
          app.fakeLlm.enqueue(textReply(reply, { chunkChars: 5, delayMs: 3, usage: { prompt_tokens: 10, completion_tokens: 2000 } }))
          const { sessionId } = await newSession(app)
          const reader = makeResumingReader(app.wsUrl, sessionId)
          const first = await reader.connect()
          const posted = await call(app.url, "POST", `/api/sessions/${sessionId}/messages`, { content: "tell me a long story" })
          expect(posted.status).toBe(202)
          const assistantId = str(posted.json, "assistant_message_id")
          let socket = first.socket
          const catchUps: Array<number> = []
          const startedAt = performance.now()
          const random = seeded(Number(process.env.SEED ?? 7))
          for (let drop = 0; drop < DROPS; drop++) {
            await pause(5 + random() * 40)
            if (random() < 0.5) socket.ws.terminate()
            else socket.ws.close()
            await socket.closed
            const next = await reader.connect()
            catchUps.push(next.catchUpMs)
            socket = next.socket
          }
          const droppedFor = performance.now() - startedAt
          const stillStreaming = !reader.state.completed.has(assistantId)
          await socket.waitFor((f) => at(f, "type") === "message_complete", 30_000)
          const detail = await waitIdle(app, sessionId)
          const logged = str(detail.json, "messages", 1, "content")
          socket.ws.close()
          const sorted = [...catchUps].sort((a, b) => a - b)
          console.log(
            `resume: ${DROPS} drops over ${droppedFor.toFixed(0)} ms (reply still streaming at the last drop: ${stillStreaming}); ` +
              `catch-up ms median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)}, p95 ${sorted[Math.floor(sorted.length * 0.95)].toFixed(1)}, ` +
              `max ${sorted[sorted.length - 1].toFixed(1)}; gaps ${reader.state.gaps}, duplicate chars ${reader.state.overlap}; ` +
              `reply ${reply.length} UTF-16 units`
          )
          expect(stillStreaming || DROPS === 0).toBe(true)
          expect(logged).toBe(reply)
          expect(reader.texts.get(assistantId)).toBe(reply)
          expect(reader.state.gaps).toBe(0)
          expect(reader.state.overlap).toBe(0)
        })
      )
    )
  )
})
