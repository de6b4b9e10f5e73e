import { Context, Effect, Layer, PubSub } from "effect"
import type { Wakeup } from "./wakeup.ts"

/**
 * Appends of this process, told to its own readers once committed: the event store publishes,
 * Subscriptions listens. With it, an instance alone on its database needs no NOTIFY.
 */
export class LocalWakes extends Context.Tag("LocalWakes")<LocalWakes, PubSub.PubSub<Wakeup>>() {
  static readonly layer = Layer.effect(LocalWakes, PubSub.sliding<Wakeup>(4096))
}

/** Tells this process's readers that `streamId` reached `version` (after the append committed). */
export const publishAppend = (wakes: PubSub.PubSub<Wakeup>, streamId: string, version: number) =>
  PubSub.publish(wakes, { streamId, version, source: "signal" }).pipe(Effect.asVoid)
