import { SqlClient } from "@effect/sql"
import { Effect, Either, Option, Schema } from "effect"
import { EventStore } from "../eventstore/EventStore.ts"
import { ConcurrencyConflict, EventDecodeError } from "../eventstore/errors.ts"
import type { AppendResult, CommandKey, StoredEvent } from "../eventstore/model.ts"
import type { AggregateSpec } from "./Aggregate.ts"
import { storableEncoded } from "./storableEvent.ts"

export interface Loaded<State> {
  readonly state: State
  readonly version: number
}

export interface Executed<State, Event> extends Loaded<State> {
  readonly events: ReadonlyArray<Event>
  readonly from_version: number
  readonly duplicate: boolean
}

const MAX_ATTEMPTS = 8
const CACHE_LIMIT = 500

/**
 * Load (fold the stream, cached and caught up), decide, append with the expected version, and on
 * a concurrent change reload and decide again.
 */
export const makeRepository = <Id extends string, State, Event extends { readonly _tag: string }, Encoded, Command, Error>(
  spec: AggregateSpec<Id, State, Event, Encoded, Command, Error>
) =>
  Effect.gen(function* () {
    const store = yield* EventStore
    const sql = yield* SqlClient.SqlClient
    const cache = new Map<string, Loaded<State>>()
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

    const remember = (streamId: string, loaded: Loaded<State>) => {
      cache.delete(streamId)
      cache.set(streamId, loaded)
      if (cache.size > CACHE_LIMIT) {
        const oldest = cache.keys().next()
        if (!oldest.done) cache.delete(oldest.value)
      }
    }

    const foldFrom = (base: Loaded<State>, events: ReadonlyArray<Event>): Loaded<State> => {
      let state = base.state
      for (const event of events) state = spec.evolve(state, event)
      return { state, version: base.version + events.length }
    }

    const load = (id: Id) =>
      Effect.gen(function* () {
        const streamId = spec.streamId(id)
        const base = cache.get(streamId) ?? { state: spec.initialState, version: 0 }
        const stored = yield* store.readStream(streamId, { after: base.version })
        const events = yield* Effect.forEach(stored, decodeStored)
        const loaded = foldFrom(base, events)
        remember(streamId, loaded)
        return loaded
      }).pipe(Effect.orDie, Effect.withSpan("Repository.load", { attributes: { type: spec.streamType } }))

    /** The state as it was at `version`, folded from the log without touching the cache. */
    const loadAt = (id: Id, version: number) =>
      store.readStream(spec.streamId(id), { upTo: version }).pipe(
        Effect.flatMap(Effect.forEach(decodeStored)),
        Effect.map((events) => foldFrom({ state: spec.initialState, version: 0 }, events)),
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

    const appendOnce = (id: Id, command: (state: State) => Command, key: CommandKey | undefined) =>
      Effect.gen(function* () {
        const streamId = spec.streamId(id)
        // A repeated command is answered before deciding: the state may have moved on since.
        const earlier = key === undefined ? Option.none() : yield* store.findCommand(key)
        if (Option.isSome(earlier)) return yield* replayDuplicate(id, earlier.value)
        const loaded = yield* load(id)
        const decided = yield* Either.match(spec.decide(command(loaded.state), loaded.state), {
          onLeft: (e) => Effect.fail(e),
          onRight: (events) => Effect.succeed(events)
        })
        if (decided.length === 0)
          return { ...loaded, events: decided, from_version: loaded.version + 1, duplicate: false } satisfies Executed<State, Event>
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
        const result = yield* store.append({
          streamId,
          streamType: spec.streamType,
          expectedVersion: loaded.version,
          events: storable.map(({ event, data }) => ({ type: event._tag, data, event_id: spec.eventId?.(event) })),
          command: key,
          inline: events.every((e) => spec.leavesReadModels?.(e) === true)
            ? undefined
            : (appended) =>
              Effect.forEach(appended, (a, i) => spec.project(sql, streamId, events[i], a.stream_version), {
                discard: true
              }).pipe(Effect.orDie)
        })
        if (result.duplicate) return yield* replayDuplicate(id, result)
        const next = foldFrom(loaded, events)
        remember(streamId, next)
        return { ...next, events, from_version: result.from_version, duplicate: false } satisfies Executed<
          State,
          Event
        >
      })

    const execute = (id: Id, command: (state: State) => Command, key?: CommandKey) =>
      appendOnce(id, command, key).pipe(
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

    return { load, loadAt, execute, decodeStored }
  })
