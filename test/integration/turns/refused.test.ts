import { expect, layer } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import * as net from "node:net"
import { engineLayer } from "../../support/engine.ts"
import { askAndWait } from "./helpers.ts"

/** A loopback port that was just free and is closed again: connecting to it is refused. */
const closedPort = Effect.promise(
  () =>
    new Promise<number>((resolve, reject) => {
      const server = net.createServer()
      server.on("error", reject)
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        if (address === null || typeof address === "string") return reject(new Error("no TCP address"))
        server.close(() => resolve(address.port))
      })
    })
)

class DeadUrl extends Context.Tag("test/DeadUrl")<DeadUrl, string>() {}

const refusedEngine = Layer.unwrapEffect(
  Effect.map(closedPort, (port) => {
    const url = `http://127.0.0.1:${port}`
    return Layer.merge(engineLayer({ LLM_BASE_URL: url }), Layer.succeed(DeadUrl, url))
  })
)

layer(refusedEngine, { timeout: 60_000, excludeTestServices: true })("turns: LLM server not running", (it) => {
  it.scoped("fails with a message naming the URL that did not answer", () =>
    Effect.gen(function* () {
      const url = yield* DeadUrl
      const { message, logged } = yield* askAndWait("Anyone there?")
      expect(message.status).toBe("failed")
      expect(message.error?.code).toBe("LlmUnreachable")
      expect(message.error?.message).toContain(`${url}/v1/chat/completions`)
      expect(message.error?.message).toContain("connection refused")
      expect(message.content).toBe("")
      expect(logged).toBe("")
      expect(message.ctx_max).toBeNull()
    })
  )
})
