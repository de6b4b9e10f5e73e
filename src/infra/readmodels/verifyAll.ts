import { Effect } from "effect"
import { verifyChains } from "../eventstore/verifyChains.ts"
import { verifyReadModels } from "./verifyReadModels.ts"

/** Every problem `boocode verify` reports: broken hash chains first, then read-model differences. */
export const verifyAll = Effect.gen(function* () {
  const chains = yield* verifyChains
  const models = yield* verifyReadModels
  return [...chains.map((p) => `${p.streamId} v${p.version}: ${p.kind}: ${p.message}`), ...models]
})
