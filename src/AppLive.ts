import { Layer } from "effect"
import { ProjectService } from "./app/projects/ProjectService.ts"
import { SessionService } from "./app/sessions/SessionService.ts"
import { TurnRunnerLive } from "./app/turns/TurnRunnerLive.ts"
import { DatabaseLive } from "./infra/db/Database.ts"
import { MigrationsLive } from "./infra/db/Migrations.ts"
import { EventStore } from "./infra/eventstore/EventStore.ts"
import { Subscriptions } from "./infra/eventstore/Subscriptions.ts"
import { LiveHub } from "./infra/live/LiveHub.ts"
import { LlmClientLive } from "./infra/llm/index.ts"
import { ProjectRepository } from "./infra/repositories/ProjectRepository.ts"
import { SessionRepository } from "./infra/repositories/SessionRepository.ts"
import { Tools } from "./infra/tools/Tools.ts"
import { HttpServerLive } from "./http/Server.ts"
import { UserFeed } from "./http/ws/UserFeed.ts"

const Database = MigrationsLive.pipe(Layer.provideMerge(DatabaseLive))

const Store = Layer.mergeAll(SessionRepository.layer, ProjectRepository.layer, Subscriptions.layer).pipe(
  Layer.provideMerge(EventStore.layer)
)

const Infra = Layer.mergeAll(Store, LiveHub.layer(), LlmClientLive, Tools.layer)

const Services = Layer.mergeAll(SessionService.layer, ProjectService.layer).pipe(
  Layer.provideMerge(TurnRunnerLive),
  Layer.provideMerge(UserFeed.layer),
  Layer.provideMerge(Infra)
)

/** Everything the server process runs, composed once. */
export const AppLive = HttpServerLive.pipe(Layer.provide(Services), Layer.provideMerge(Database))
