import { SqlClient } from "@effect/sql"
import { Effect, Either, Option, Schema } from "effect"
import { type AppendedEvent, EventStore } from "../eventstore/EventStore.ts"
import { type CommandIdReused, ConcurrencyConflict, EventDecodeError } from "../eventstore/errors.ts"
import type { AppendResult, CommandKey, StoredEvent } from "../eventstore/model.ts"
import type { AggregateSpec } from "./Aggregate.ts"
import { storableEncoded } from "./storableEvent.ts"

export interface Loaded<State> {
  readonly state: State
  readonly version: number
}

/** Persisted snapshots of an aggregate: where a load may start instead of version 0. */
export interface Snapshots<Id extends string, State, Event> {
  /** The newest usable snapshot at or below `upTo`, if any (one this code cannot read counts as none). */
  readonly read: (sql: SqlClient.SqlClient, id: Id, upTo: number) => Effect.Effect<Option.Option<Loaded<State>>, unknown>
  /** Whether an append of `events` reaching `version` writes one, the last one being at `last`. */
  readonly due: (events: ReadonlyArray<Event>, last: number, version: number) => boolean
  /** Writes one, inside the append's transaction. */
  readonly write: (sql: SqlClient.SqlClient, id: Id, state: State) => Effect.Effect<unknown, unknown>
}

export interface RepositoryOptions<Id extends string, State, Event> {
  /** Folds many events at once; faster than `evolve` one by one when the state is large. */
  readonly fold?: (events: ReadonlyArray<Event>, from: State) => State
  readonly snapshots?: Snapshots<Id, State, Event>
}

/** A cached state, and the version of the last snapshot known to be stored (0: none). */
interface Cached<State> extends Loaded<State> {
  readonly snapshotVersion: number
}

export interface Executed<State, Event> extends Loaded<State> {
  readonly events: ReadonlyArray<Event>
  readonly from_version: number
  readonly duplicate: boolean
}

const MAX_ATTEMPTS = 8
const CACHE_LIMIT = 500

/**
 * Load (the cached state, else the latest snapshot, caught up with the events after it), decide, append with the expected version, and on
 * a concurrent change reload and decide again.
 */
export const makeRepository = <Id extends string, State, Event extends { readonly _tag: string }, Encoded, Command, Error>(
  spec: AggregateSpec<Id, State, Event, Encoded, Command, Error>,
  options: RepositoryOptions<Id, State, Event> = {}
) =>
  Effect.gen(function* () {
    const store = yield* EventStore
    const sql = yield* SqlClient.SqlClient
    const cache = new Map<string, Cached<State>>()
    const snapshots = options.snapshots
    const decodeEvent = Schema.decodeUnknown(spec.schema)
    const encodeEvent = Schema.encode(spec.schema)

    const decodeStored = (stored: StoredEvent) =>
      decodeEvent(stored.data).pipe(
        Effect.mapError(
          (e) =>
            new EventDecodeError({
              stream_id: stored.stream_id,
              stream_version: stored.stream_version,
              type: stored.type,
              message: e.message
            })
        )
      )

    const remember = (streamId: string, loaded: Cached<State>) => {
      cache.delete(streamId)
      cache.set(streamId, loaded)
      if (cache.size > CACHE_LIMIT) {
        const oldest = cache.keys().next()
        if (!oldest.done) cache.delete(oldest.value)
      }
    }

    const foldEvents = options.fold ?? ((events: ReadonlyArray<Event>, from: State) => events.reduce(spec.evolve, from))

    const foldFrom = (base: Loaded<State>, events: ReadonlyArray<Event>): Loaded<State> =>
      events.length === 0 ? base : { state: foldEvents(events, base.state), version: base.version + events.length }

    const initial: Cached<State> = { state: spec.initialState, version: 0, snapshotVersion: 0 }

    /** The latest snapshot at or below `upTo`, or the initial state. */
    const startingPoint = (id: Id, upTo: number) =>
      snapshots === undefined
        ? Effect.succeed(initial)
        : snapshots.read(sql, id, upTo).pipe(
          Effect.map(Option.match({
            onNone: () => initial,
            onSome: (s): Cached<State> => ({ ...s, snapshotVersion: s.version })
          }))
        )

    const catchUp = (streamId: string, base: Loaded<State>, upTo?: number) =>
      store.readStream(streamId, { after: base.version, upTo }).pipe(
        Effect.flatMap(Effect.forEach(decodeStored)),
        Effect.map((events) => foldFrom(base, events))
      )

    const loadCached = (id: Id) =>
      Effect.gen(function* () {
        const streamId = spec.streamId(id)
        const base = cache.get(streamId) ?? (yield* startingPoint(id, Number.MAX_SAFE_INTEGER))
        const loaded: Cached<State> = { ...(yield* catchUp(streamId, base)), snapshotVersion: base.snapshotVersion }
        remember(streamId, loaded)
        return loaded
      }).pipe(Effect.orDie, Effect.withSpan("Repository.load", { attributes: { type: spec.streamType } }))

    /**
     * The state as of the latest version: from memory when cached (plus any events appended since,
     * by this or another process), else the latest snapshot and the events after it.
     */
    const load = (id: Id) => Effect.map(loadCached(id), ({ state, version }): Loaded<State> => ({ state, version }))

    /** The state as it was at `version`: a snapshot at or below it and the events up to it; the cache is not touched. */
    const loadAt = (id: Id, version: number) =>
      startingPoint(id, version).pipe(
        Effect.flatMap((base) => catchUp(spec.streamId(id), base, version)),
        Effect.map(({ state, version }): Loaded<State> => ({ state, version })),
        Effect.orDie
      )

    /** The state at `version` folded from the log alone, trusting no snapshot (what verify compares against). */
    const replayAt = (id: Id, version: number) =>
      catchUp(spec.streamId(id), initial, version).pipe(
        Effect.map(({ state, version }): Loaded<State> => ({ state, version })),
        Effect.orDie
      )

    /** The events a command appended earlier, and the stream as it is now: the answer to a repeat. */
    const replayDuplicate = (id: Id, result: AppendResult) =>
      Effect.gen(function* () {
        const stored = yield* store.readStream(spec.streamId(id), { after: result.from_version - 1, upTo: result.to_version })
        const original = yield* Effect.forEach(stored, (s) => Effect.orDie(decodeStored(s)))
        const current = yield* load(id)
        return { ...current, events: original, from_version: result.from_version, duplicate: true }
      })

    /**
     * One attempt. With `trustCache`, a cached state is decided on without reading the log first:
     * the append's expected-version check catches any event appended since (by another process),
     * and the retry then catches up. A refusal or a no-op is only answered from a state just read.
     */
    const appendOnce = (
      id: Id,
      command: (state: State) => Command,
      key: CommandKey | undefined,
      trustCache: boolean
    ): Effect.Effect<Executed<State, Event>, Error | ConcurrencyConflict | CommandIdReused> =>
      Effect.gen(function* () {
        const streamId = spec.streamId(id)
        // A repeated command is answered before deciding: the state may have moved on since.
        const earlier = key === undefined ? Option.none() : yield* store.findCommand(key)
        if (Option.isSome(earlier)) return yield* replayDuplicate(id, earlier.value)
        const cached = trustCache ? cache.get(streamId) : undefined
        const loaded = cached ?? (yield* loadCached(id))
        const decision = spec.decide(command(loaded.state), loaded.state)
        if (cached !== undefined && (Either.isLeft(decision) || decision.right.length === 0))
          return yield* appendOnce(id, command, key, false)
        const decided = yield* Either.match(decision, {
          onLeft: (e) => Effect.fail(e),
          onRight: (events) => Effect.succeed(events)
        })
        if (decided.length === 0)
          return { state: loaded.state, version: loaded.version, events: decided, from_version: loaded.version + 1, duplicate: false } satisfies Executed<State, Event>
        // What the log gets is what the state and the read models get: the storable form, decoded back.
        const storable = yield* Effect.forEach(decided, (event) =>
          Effect.gen(function* () {
            const { data, replacedAt } = storableEncoded(yield* Effect.orDie(encodeEvent(event)))
            if (replacedAt === undefined) return { event, data }
            yield* Effect.logWarning(`${event._tag} in ${streamId}: text Postgres cannot store at ${replacedAt} replaced by U+FFFD`)
            return { event: yield* Effect.orDie(decodeEvent(data)), data }
          })
        )
        const events = storable.map((s) => s.event)
        const next = foldFrom(loaded, events)
        const snapshot = snapshots?.due(events, loaded.snapshotVersion, next.version) === true ? snapshots : undefined
        const project = (appended: ReadonlyArray<AppendedEvent>) =>
          Effect.forEach(appended, (a, i) => spec.project(sql, streamId, events[i], a.stream_version), { discard: true })
        const result = yield* store.append({
          streamId,
          streamType: spec.streamType,
          expectedVersion: loaded.version,
          events: storable.map(({ event, data }) => ({ type: event._tag, data, event_id: spec.eventId?.(event) })),
          command: key,
          inline: snapshot === undefined && events.every((e) => spec.leavesReadModels?.(e) === true)
            ? undefined
            : (appended) =>
              project(appended).pipe(
                Effect.zipRight(snapshot === undefined ? Effect.void : snapshot.write(sql, id, next.state)),
                Effect.orDie
              )
        })
        if (result.duplicate) return yield* replayDuplicate(id, result)
        remember(streamId, { ...next, snapshotVersion: snapshot === undefined ? loaded.snapshotVersion : next.version })
        return { ...next, events, from_version: result.from_version, duplicate: false } satisfies Executed<
          State,
          Event
        >
      })

    const execute = (id: Id, command: (state: State) => Command, key?: CommandKey) => {
      // Only the first attempt decides on the cache as is: a conflict means the log moved on.
      let attempts = 0
      return Effect.suspend(() => appendOnce(id, command, key, attempts++ === 0)).pipe(
        Effect.retry({
          while: (e) => e instanceof ConcurrencyConflict,
          times: MAX_ATTEMPTS
        }),
        Effect.catchIf(
          (e): e is ConcurrencyConflict => e instanceof ConcurrencyConflict,
          (e) => Effect.die(e)
        ),
        Effect.withSpan("Repository.execute", { attributes: { type: spec.streamType, id } })
      )
    }

    return { load, loadAt, replayAt, execute, decodeStored }
  })
