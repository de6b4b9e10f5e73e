import { SqlClient } from "@effect/sql"
import { Duration, Effect, Fiber, FiberMap, FiberSet, Layer, Option, Queue, Schedule, SubscriptionRef } from "effect"
import type { MessageId, SessionId } from "../../domain/index.ts"
import { cancelChannel } from "../../infra/eventstore/channels.ts"
import { Subscriptions } from "../../infra/eventstore/Subscriptions.ts"
import { LlmClient } from "../../infra/llm/index.ts"
import { Instance } from "../../infra/instance/Instance.ts"
import { LiveHub } from "../../infra/live/LiveHub.ts"
import { ProjectRepository } from "../../infra/repositories/ProjectRepository.ts"
import { SessionRepository } from "../../infra/repositories/SessionRepository.ts"
import { Tools } from "../../infra/tools/Tools.ts"
import { nowIso } from "../now.ts"
import { autoName } from "./autoName.ts"
import { closeOpenTurns, EXPIRED_REASON, STOPPED_REASON } from "./closeOpenTurns.ts"
import { LeaseConfig } from "./leases/LeaseConfig.ts"
import { leaseOf, leaseTick, leftOpen } from "./leases/leaseTick.ts"
import { runTurn, type StopReason, type TurnDeps } from "./runTurn.ts"
import { TurnConfig } from "./TurnConfig.ts"
import { TurnRunner } from "./TurnRunner.ts"

const PREVIOUS_TURN_GRACE = Duration.seconds(5)

interface LocalTurn {
  readonly messageId: MessageId
  /** When this instance began running it (ms): a tick issued before then cannot show its lease. */
  readonly since: number
}

/**
 * One fiber per session's turn in a FiberMap: closing the layer (SIGTERM) interrupts every turn,
 * which then records itself as interrupted; a cancel marks the session first so it records
 * itself as cancelled. Each turn is leased to this instance: a tick renews the leases, hands
 * cancels asked on other instances to their turns, stops a turn whose lease another instance took
 * over, and closes the turns of instances that are gone.
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
    const instance = yield* Instance
    const leases = { ...(yield* LeaseConfig), instanceId: instance.id }
    const sql = yield* SqlClient.SqlClient
    const subscriptions = yield* Subscriptions
    const claim = { instance_id: leases.instanceId, lease_ms: Duration.toMillis(leases.lease) }

    // Nothing runs here yet: whatever this instance's id still holds was left by its previous life.
    yield* Effect.flatMap(leftOpen(leases.instanceId), (turns) => closeOpenTurns(deps.sessions, turns, STOPPED_REASON))

    const naming = yield* FiberSet.make()
    const turns = yield* FiberMap.make<SessionId>()
    const local = new Map<SessionId, LocalTurn>()
    const stopReasons = new Map<SessionId, StopReason>()

    const run = (sessionId: SessionId, messageId: MessageId) =>
      runTurn(deps, sessionId, messageId, () => stopReasons.get(sessionId) ?? "shutdown").pipe(
        Effect.ensuring(Effect.sync(() => {
          if (local.get(sessionId)?.messageId === messageId) local.delete(sessionId)
        })),
        Effect.tap(() => (deps.config.autoName ? FiberSet.run(naming, autoName(deps.sessions, deps.llm, sessionId)) : Effect.void)),
        Effect.catchAllCause((cause) => Effect.logError(`turn ${messageId} ended abnormally`, cause)),
        Effect.ensuring(Effect.sync(() => stopReasons.delete(sessionId)))
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
        local.set(sessionId, { messageId, since: Date.now() })
        yield* FiberMap.run(turns, sessionId, run(sessionId, messageId))
      })

    /** Stops the turn running here; `reason` says how it records its end. */
    const stopLocal = (sessionId: SessionId, reason: StopReason) =>
      Effect.gen(function* () {
        if (!(yield* FiberMap.has(turns, sessionId))) return false
        stopReasons.set(sessionId, reason)
        yield* FiberMap.remove(turns, sessionId)
        return true
      })

    const cancel = (sessionId: SessionId) =>
      Effect.gen(function* () {
        if (yield* stopLocal(sessionId, "cancel")) return true
        const { state } = yield* deps.sessions.load(sessionId)
        if (state.open_message_id === null || !state.exists || state.deleted) return false
        const messageId = state.open_message_id
        const at = yield* nowIso
        const lease = yield* Effect.provideService(leaseOf(sessionId), SqlClient.SqlClient, sql)
        // Another instance runs it: ask it through the log (it hears at once, or at its next renewal).
        // Nobody alive runs it (a crash left it): close it as cancelled here.
        const command = lease !== undefined && lease.live && lease.instance_id !== leases.instanceId
          ? { _tag: "RequestCancel" as const, session_id: sessionId, message_id: messageId, at }
          : { _tag: "CancelMessage" as const, session_id: sessionId, message_id: messageId, at }
        yield* deps.sessions.execute(sessionId, () => command).pipe(Effect.catchAll(() => Effect.void))
        return true
      })

    const isRunning = (sessionId: SessionId) => FiberMap.has(turns, sessionId)

    const tick = Effect.gen(function* () {
      const issuedAt = Date.now()
      const result = yield* leaseTick(leases)
      yield* SubscriptionRef.set(instance.others, result.others)
      for (const [sessionId, turn] of local) {
        const held = result.mine.get(sessionId)
        if (turn.since < issuedAt && held?.message_id !== turn.messageId) {
          yield* Effect.logWarning(`turn ${turn.messageId}: another instance closed it (its lease expired); stopping it here`)
          yield* stopLocal(sessionId, "lost")
        } else if (held?.cancel_requested === true) yield* stopLocal(sessionId, "cancel")
      }
      yield* closeOpenTurns(deps.sessions, result.expired, EXPIRED_REASON)
      // Their text that reached this instance live is in the log up to what was saved: drop the rest.
      for (const turn of result.expired) deps.hub.endRemote(turn.session_id, turn.message_id)
      yield* closeOpenTurns(deps.sessions, result.orphans, STOPPED_REASON)
    }).pipe(
      Effect.withSpan("TurnRunner.leaseTick"),
      Effect.catchAllCause((cause) => Effect.logWarning("lease tick failed; trying again next tick", cause))
    )
    yield* Effect.forkScoped(Effect.repeat(tick, { schedule: Schedule.spaced(leases.tick) }))

    // A cancel asked on another instance, at once (a lost NOTIFY is caught by the next tick).
    const heard = yield* subscriptions.messages
    yield* Effect.forkScoped(
      Queue.take(heard).pipe(
        Effect.flatMap((m) => m.channel === cancelChannel && local.has(m.payload as SessionId) ? stopLocal(m.payload as SessionId, "cancel") : Effect.void),
        Effect.forever
      )
    )

    return { claim, start, cancel, isRunning }
  })
)
