import { Schema } from "effect"
import { ProjectEvent, projectEventTypes } from "./project/events.ts"
import { SessionEvent, sessionEventTypes } from "./session/events.ts"

/** Every event type stored in the log, decoded by its `_tag` (the stored `type`). */
export const DomainEvent = Schema.Union(ProjectEvent, SessionEvent)
export type DomainEvent = typeof DomainEvent.Type
export type DomainEventEncoded = typeof DomainEvent.Encoded
export type DomainEventType = DomainEvent["_tag"]

export const domainEventTypes: ReadonlyArray<DomainEventType> = [...projectEventTypes, ...sessionEventTypes]
