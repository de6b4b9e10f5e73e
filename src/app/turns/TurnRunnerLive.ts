import { Duration, Effect, Fiber, FiberMap, FiberSet, Layer, Option } from "effect"
import type { MessageId, SessionId } from "../../domain/index.ts"
import { LlmClient } from "../../infra/llm/index.ts"
import { LiveHub } from "../../infra/live/LiveHub.ts"
import { ProjectRepository } from "../../infra/repositories/ProjectRepository.ts"
import { SessionRepository } from "../../infra/repositories/SessionRepository.ts"
import { Tools } from "../../infra/tools/Tools.ts"
import { nowIso } from "../now.ts"
import { autoName } from "./autoName.ts"
import { recoverOpenTurns } from "./recoverOpenTurns.ts"
import { runTurn, type TurnDeps } from "./runTurn.ts"
import { TurnConfig } from "./TurnConfig.ts"
import { TurnRunner } from "./TurnRunner.ts"

const PREVIOUS_TURN_GRACE = Duration.seconds(5)

/**
 * One fiber per session's turn in a FiberMap: closing the layer (SIGTERM) interrupts every turn,
 * which then records itself as interrupted; a cancel marks the session first so it records
 * itself as cancelled.
 */
export const TurnRunnerLive = Layer.scoped(
  TurnRunner,
  Effect.gen(function* () {
    const deps: TurnDeps = {
      sessions: yield* SessionRepository,
      projects: yield* ProjectRepository,
      llm: yield* LlmClient,
      tools: yield* Tools,
      hub: yield* LiveHub,
      config: yield* TurnConfig
    }
    yield* recoverOpenTurns(deps.sessions)
    const naming = yield* FiberSet.make()
    const turns = yield* FiberMap.make<SessionId>()
    const cancelling = new Set<SessionId>()

    const run = (sessionId: SessionId, messageId: MessageId) =>
      runTurn(deps, sessionId, messageId, () => (cancelling.has(sessionId) ? "cancel" : "shutdown")).pipe(
        Effect.tap(() => (deps.config.autoName ? FiberSet.run(naming, autoName(deps.sessions, deps.llm, sessionId)) : Effect.void)),
        Effect.catchAllCause((cause) => Effect.logError(`turn ${messageId} ended abnormally`, cause)),
        Effect.ensuring(Effect.sync(() => cancelling.delete(sessionId)))
      )

    // The log let this message start, so the session's previous turn has recorded its end; its fiber
    // may still be closing (or retrying a write the database already took): let it finish first.
    const start = (sessionId: SessionId, messageId: MessageId) =>
      Effect.gen(function* () {
        const previous = yield* Effect.option(FiberMap.get(turns, sessionId))
        if (Option.isSome(previous)) {
          const finished = yield* Fiber.await(previous.value).pipe(Effect.timeout(PREVIOUS_TURN_GRACE), Effect.option)
          if (Option.isNone(finished)) yield* Effect.logWarning(`session ${sessionId}: stopping a turn that outlived its message`)
        }
        yield* FiberMap.run(turns, sessionId, run(sessionId, messageId))
      })

    const cancel = (sessionId: SessionId) =>
      Effect.gen(function* () {
        const running = yield* FiberMap.has(turns, sessionId)
        if (running) {
          cancelling.add(sessionId)
          yield* FiberMap.remove(turns, sessionId)
          return true
        }
        // A turn the log shows open with no fiber here (left by a crash): close it as cancelled.
        const { state } = yield* deps.sessions.load(sessionId)
        if (state.open_message_id === null || !state.exists || state.deleted) return false
        const messageId = state.open_message_id
        const at = yield* nowIso
        yield* deps.sessions
          .execute(sessionId, () => ({ _tag: "CancelMessage", session_id: sessionId, message_id: messageId, at }))
          .pipe(Effect.catchAll(() => Effect.void))
        return true
      })

    const isRunning = (sessionId: SessionId) => FiberMap.has(turns, sessionId)

    return { start, cancel, isRunning }
  })
)
