import { Config, Context, Effect, Layer, SubscriptionRef } from "effect"
import { createHash } from "node:crypto"
import * as os from "node:os"

/**
 * This app process among the instances sharing the database. BOOCODE_INSTANCE_ID defaults to
 * host:PORT: two live processes cannot listen on one port of a host, and an instance restarted
 * on its port knows the turns its previous life left open as its own.
 */
export const InstanceIdConfig = Config.string("BOOCODE_INSTANCE_ID").pipe(
  Config.orElse(() => Config.map(Config.port("PORT").pipe(Config.withDefault(4040)), (port) => `${os.hostname()}:${port}`))
)

/**
 * The application_name of this instance's connections: other instances count the live ones from
 * pg_stat_activity (no heartbeat writes). Hashed: Postgres keeps 63 bytes of it.
 */
export const connectionName = (instanceId: string) => `boocode:${createHash("sha256").update(instanceId).digest("hex").slice(0, 16)}`

export class Instance extends Context.Tag("Instance")<Instance, {
  readonly id: string
  /** Other instances alive, as last seen (the lease tick counts their connections; a hello on the live channel proves one at once). */
  readonly others: SubscriptionRef.SubscriptionRef<number>
}>() {
  static readonly layer = Layer.effect(
    Instance,
    Effect.all({ id: InstanceIdConfig, others: SubscriptionRef.make(0) })
  )
}
