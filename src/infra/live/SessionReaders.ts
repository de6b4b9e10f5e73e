import type { SqlClient } from "@effect/sql"
import { Config, Context, Deferred, Duration, Effect, Exit, ExecutionStrategy, Layer, Scope } from "effect"
import type { SessionId } from "../../domain/index.ts"
import type { EventStore } from "../eventstore/EventStore.ts"
import type { Subscriptions } from "../eventstore/Subscriptions.ts"
import type { SessionRepository } from "../repositories/SessionRepository.ts"
import type { LiveHub } from "./LiveHub.ts"
import { makeSessionReader, type SessionReader } from "./SessionReader.ts"

export const SessionReadersConfig = Config.all({
  /** How long a session's reader outlives its last socket (a reconnect within it finds the reader warm). */
  linger: Config.integer("BOOCODE_READER_LINGER_MS").pipe(Config.withDefault(3000), Config.map(Duration.millis))
})

interface Entry {
  users: number
  /** Bumped by every acquire: a linger that sees another value was overtaken by a new socket. */
  generation: number
  readonly reader: Deferred.Deferred<SessionReader>
  readonly scope: Scope.CloseableScope
}

/** One reader per session in this process, shared by its sockets and reference-counted. */
const make = (config: { readonly linger: Duration.DurationInput }) =>
  Effect.gen(function* () {
    const context = yield* Effect.context<SqlClient.SqlClient | EventStore | Subscriptions | SessionRepository | LiveHub>()
    const scope = yield* Effect.scope
    const entries = new Map<string, Entry>()
    // Finding or starting an entry is one step: two sockets of a new session must not start two readers.
    const lock = yield* Effect.makeSemaphore(1)

    const close = (sessionId: string, entry: Entry) =>
      Effect.suspend(() => {
        if (entries.get(sessionId) === entry) entries.delete(sessionId)
        return Scope.close(entry.scope, Exit.void)
      })

    const start = (sessionId: SessionId) =>
      Effect.gen(function* () {
        const entry: Entry = {
          users: 0,
          generation: 0,
          reader: yield* Deferred.make<SessionReader>(),
          scope: yield* Scope.fork(scope, ExecutionStrategy.sequential)
        }
        entries.set(sessionId, entry)
        yield* makeSessionReader(sessionId).pipe(
          Scope.extend(entry.scope),
          Effect.provide(context),
          Effect.exit,
          Effect.flatMap((exit) =>
            Exit.isSuccess(exit) ? Deferred.succeed(entry.reader, exit.value) : Effect.zipRight(close(sessionId, entry), Deferred.failCause(entry.reader, exit.cause))
          ),
          // Started from an acquire (uninterruptible): the reader and its tail must stay interruptible.
          Effect.interruptible,
          Effect.forkIn(scope)
        )
        return entry
      })

    const release = (sessionId: string, entry: Entry) =>
      Effect.suspend(() => {
        entry.users--
        if (entry.users > 0) return Effect.void
        const generation = entry.generation
        return Effect.sleep(config.linger).pipe(
          Effect.zipRight(Effect.suspend(() => (entry.users === 0 && entry.generation === generation ? close(sessionId, entry) : Effect.void))),
          Effect.interruptible,
          Effect.forkIn(scope),
          Effect.asVoid
        )
      })

    /** The session's reader for the caller's scope; the first caller starts it. */
    const acquire = (sessionId: SessionId): Effect.Effect<SessionReader, never, Scope.Scope> =>
      Effect.acquireRelease(
        lock.withPermits(1)(
          Effect.gen(function* () {
            const entry = entries.get(sessionId) ?? (yield* start(sessionId))
            entry.users++
            entry.generation++
            return entry
          })
        ),
        (entry) => release(sessionId, entry)
      ).pipe(Effect.flatMap((entry) => Effect.orDie(Deferred.await(entry.reader))))

    return {
      acquire,
      /** Readers alive now (sockets connected, or lingering). */
      size: () => entries.size,
      /** Sockets holding a session's reader now (0 when it has none, or it lingers). */
      users: (sessionId: string) => entries.get(sessionId)?.users ?? 0
    }
  })

export class SessionReaders extends Context.Tag("SessionReaders")<SessionReaders, Effect.Effect.Success<ReturnType<typeof make>>>() {
  static readonly layer = Layer.scoped(SessionReaders, Effect.flatMap(SessionReadersConfig, make))
}
