import { Context, Layer, SubscriptionRef } from "effect"

/** How many other instances were alive at the last lease tick: live text is shared only when some are. */
export class OtherInstances extends Context.Tag("OtherInstances")<OtherInstances, SubscriptionRef.SubscriptionRef<number>>() {
  static readonly layer = Layer.effect(OtherInstances, SubscriptionRef.make(0))
}
