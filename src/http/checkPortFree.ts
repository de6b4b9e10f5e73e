import { Effect, Schema } from "effect"
import * as net from "node:net"
import { ServerConfig } from "./ServerConfig.ts"

export class PortInUse extends Schema.TaggedError<PortInUse>()("PortInUse", { host: Schema.String, port: Schema.Number }) {
  get message(): string {
    return `BooCode: port ${this.port} on ${this.host} is already in use (is another BooCode running?); set PORT to use another`
  }
}

const isAddressInUse = (e: unknown) => e instanceof Error && "code" in e && e.code === "EADDRINUSE"

/**
 * Fails with PortInUse when HOST:PORT is taken. Run before the database is touched, so a second
 * server started by mistake leaves the first one (and the cluster it owns) alone. Other listen
 * errors are left for the real listen to report.
 */
export const checkPortFree = Effect.gen(function* () {
  const { host, port } = yield* ServerConfig
  if (port === 0) return
  yield* Effect.async<void, PortInUse>((resume) => {
    const probe = net.createServer()
    probe.once("error", (e) => resume(isAddressInUse(e) ? Effect.fail(new PortInUse({ host, port })) : Effect.void))
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resume(Effect.void)))
  })
})
