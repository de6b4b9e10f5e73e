import { Context, Effect, Layer } from "effect"
import { type FakeLlm, startFakeLlm } from "./server.ts"

/** The fake server as an Effect resource: started on acquire, closed with the scope. */
export const acquireFakeLlm = Effect.acquireRelease(
  Effect.promise(() => startFakeLlm()),
  (fake) => Effect.promise(() => fake.close())
)

export class FakeLlmServer extends Context.Tag("test/FakeLlmServer")<FakeLlmServer, FakeLlm>() {}

/** One fake server for every test inside `layer(fakeLlmLayer)(...)`. */
export const fakeLlmLayer: Layer.Layer<FakeLlmServer> = Layer.scoped(FakeLlmServer, acquireFakeLlm)
