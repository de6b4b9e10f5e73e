import { Layer } from "effect"
import { LocalWakes } from "../infra/eventstore/LocalWakes.ts"
import { Subscriptions } from "../infra/eventstore/Subscriptions.ts"
import { LlmClientLive } from "../infra/llm/index.ts"
import { Instance } from "../infra/instance/Instance.ts"
import { LiveHub } from "../infra/live/LiveHub.ts"
import { LiveShareLive } from "../infra/live/LiveShare.ts"
import { RepositoriesLive } from "../infra/repositories/RepositoriesLive.ts"
import { Tools } from "../infra/tools/Tools.ts"
import { ProjectService } from "./projects/ProjectService.ts"
import { SessionService } from "./sessions/SessionService.ts"
import { TurnRunnerLive } from "./turns/TurnRunnerLive.ts"


const Engine = Layer.merge(TurnRunnerLive, LiveShareLive).pipe(
  Layer.provideMerge(Layer.mergeAll(LlmClientLive, Tools.layer, LiveHub.layer))
)

/**
 * The application's services over a database (SqlClient/PgClient from the caller): event store,
 * repositories, subscriptions, the live hub, LLM client, tools, turns and the use cases.
 */
export const AppServicesLive = Layer.mergeAll(ProjectService.layer, SessionService.layer).pipe(
  Layer.provideMerge(Engine),
  Layer.provideMerge(Subscriptions.layer),
  Layer.provideMerge(RepositoriesLive),
  // Below the store and the subscriptions: appends wake this process's readers in process, and
  // notify other instances only while some are alive.
  Layer.provideMerge(Layer.merge(Instance.layer, LocalWakes.layer))
)
