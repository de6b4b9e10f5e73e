import { Layer } from "effect"
import { Subscriptions } from "../infra/eventstore/Subscriptions.ts"
import { LlmClientLive } from "../infra/llm/index.ts"
import { LiveHub } from "../infra/live/LiveHub.ts"
import { RepositoriesLive } from "../infra/repositories/RepositoriesLive.ts"
import { Tools } from "../infra/tools/Tools.ts"
import { ProjectService } from "./projects/ProjectService.ts"
import { SessionService } from "./sessions/SessionService.ts"
import { OtherInstances } from "./turns/leases/OtherInstances.ts"
import { TurnRunnerLive } from "./turns/TurnRunnerLive.ts"


const Engine = TurnRunnerLive.pipe(
  Layer.provideMerge(Layer.mergeAll(LlmClientLive, Tools.layer, LiveHub.layer, OtherInstances.layer))
)

/**
 * The application's services over a database (SqlClient/PgClient from the caller): event store,
 * repositories, subscriptions, the live hub, LLM client, tools, turns and the use cases.
 */
export const AppServicesLive = Layer.mergeAll(ProjectService.layer, SessionService.layer).pipe(
  Layer.provideMerge(Engine),
  Layer.provideMerge(Subscriptions.layer),
  Layer.provideMerge(RepositoriesLive)
)
