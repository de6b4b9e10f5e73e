import { Config, Duration } from "effect"
import * as os from "node:os"

export interface LeaseConfig {
  /** This instance's name in turn leases. Two live instances must never share one. */
  readonly instanceId: string
  /** How long a turn's lease lasts without renewal: a dead owner's turn is closed this long after its last renewal. */
  readonly lease: Duration.Duration
  /** How often the instance renews its leases, proves itself alive and looks for expired leases. */
  readonly tick: Duration.Duration
}

/**
 * BOOCODE_INSTANCE_ID defaults to host:PORT: two live processes cannot listen on the same port of
 * one host, and a restarted instance knows the turns its previous life left open as its own.
 */
export const LeaseConfig: Config.Config<LeaseConfig> = Config.all({
  instanceId: Config.string("BOOCODE_INSTANCE_ID").pipe(
    Config.orElse(() => Config.map(Config.port("PORT").pipe(Config.withDefault(4040)), (port) => `${os.hostname()}:${port}`))
  ),
  lease: Config.integer("BOOCODE_LEASE_MS").pipe(Config.withDefault(10_000), Config.map(Duration.millis)),
  tick: Config.integer("BOOCODE_LEASE_TICK_MS").pipe(Config.withDefault(2_000), Config.map(Duration.millis))
})
