import { Config, Context, Effect, Layer, SubscriptionRef } from "effect"
import * as os from "node:os"

/**
 * This app process among the instances sharing the database. BOOCODE_INSTANCE_ID defaults to
 * host:PORT: two live processes cannot listen on one port of a host, and an instance restarted
 * on its port knows the turns its previous life left open as its own.
 */
export const InstanceIdConfig = Config.string("BOOCODE_INSTANCE_ID").pipe(
  Config.orElse(() => Config.map(Config.port("PORT").pipe(Config.withDefault(4040)), (port) => `${os.hostname()}:${port}`))
)

export class Instance extends Context.Tag("Instance")<Instance, {
  readonly id: string
  /** Other instances alive, as last seen (the lease tick counts heartbeats; a hello on the live channel proves one at once). */
  readonly others: SubscriptionRef.SubscriptionRef<number>
}>() {
  static readonly layer = Layer.effect(
    Instance,
    Effect.all({ id: InstanceIdConfig, others: SubscriptionRef.make(0) })
  )
}
