import { ConfigProvider, Layer } from "effect"
import { EventStore } from "../../../src/infra/eventstore/EventStore.ts"
import { Subscriptions } from "../../../src/infra/eventstore/Subscriptions.ts"
import { TestDatabaseLive } from "../../support/testDatabase.ts"

export const StoreLive = EventStore.layer.pipe(Layer.provideMerge(TestDatabaseLive))

/** Subscriptions on a fresh database, configured the way the app is: through Config. */
export const subscriptionsLive = (settings: Record<string, string>) =>
  Subscriptions.layer.pipe(
    Layer.provideMerge(StoreLive),
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(settings)))))
  )
