import { Layer } from "effect"
import { EventStore } from "../eventstore/EventStore.ts"
import { ProjectRepository } from "./ProjectRepository.ts"
import { SessionRepository } from "./SessionRepository.ts"

/** The event store and the aggregate repositories over a database provided by the caller. */
export const RepositoriesLive = Layer.mergeAll(SessionRepository.layer, ProjectRepository.layer).pipe(
  Layer.provideMerge(EventStore.layer)
)
