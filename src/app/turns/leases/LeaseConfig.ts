import { Config, Duration } from "effect"

export interface LeaseConfig {
  /** How long a turn's lease lasts without renewal: a dead owner's turn is closed this long after its last renewal. */
  readonly lease: Duration.Duration
  /** How often the instance renews its leases, proves itself alive and looks for expired leases. */
  readonly tick: Duration.Duration
}

export const LeaseConfig: Config.Config<LeaseConfig> = Config.all({
  lease: Config.integer("BOOCODE_LEASE_MS").pipe(Config.withDefault(10_000), Config.map(Duration.millis)),
  tick: Config.integer("BOOCODE_LEASE_TICK_MS").pipe(Config.withDefault(2_000), Config.map(Duration.millis))
})
