import { Effect } from "effect"
import type { SessionEvent, SessionId } from "../../domain/index.ts"
import type { SessionRepository } from "../repositories/SessionRepository.ts"
import type { EventPiece } from "./pieces.ts"

/**
 * The piece of a persisted event other than a delta. An AlternativeSelected brings back messages
 * the client has never been sent (or has dropped): they ride with it, as the state at its version
 * holds them (with their own alternatives). It is a rare event, so the load it costs is paid rarely.
 */
export const eventPiece = (
  repo: typeof SessionRepository.Service,
  sessionId: SessionId,
  event: SessionEvent,
  version: number
): Effect.Effect<EventPiece> =>
  event._tag !== "AlternativeSelected"
    ? Effect.succeed({ _tag: "Event", version, event })
    : Effect.map(repo.loadAt(sessionId, version), ({ state }): EventPiece => ({ _tag: "Event", version, event, state }))
