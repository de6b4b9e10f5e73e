import { PgClient } from "@effect/sql-pg"
import { Chunk, Duration, Effect, Queue, Schedule, Schema, Stream } from "effect"
import { randomUUID } from "node:crypto"
import { EventStore } from "../../../src/infra/eventstore/EventStore.ts"

export const event = (type: string, data: unknown = {}) => ({ type, data })

/** Retries `check` (which fails while the condition does not hold) every 20 ms, up to `within`. */
export const eventually = <A, E, R>(check: Effect.Effect<A, E, R>, within: Duration.DurationInput = "5 seconds") =>
  check.pipe(
    Effect.retry(Schedule.spaced("20 millis")),
    Effect.timeoutFail({ duration: within, onTimeout: () => new Error(`condition not met within ${Duration.format(within)}`) }),
    Effect.orDie
  )

const Pids = Schema.Array(Schema.Struct({ pid: Schema.Number }))

/** Backends of this database whose current or last query matches `pattern` (SQL LIKE). */
export const backendPids = (pattern: string, options: { readonly waitingOnLock?: boolean } = {}) =>
  Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    const rows = yield* sql`
      SELECT pid FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE ${pattern}
        AND (${options.waitingOnLock ?? false} = false OR wait_event_type = 'Lock')`
    return (yield* Schema.decodeUnknown(Pids)(rows)).map((r) => r.pid)
  }).pipe(Effect.orDie)

export const terminate = (pid: number) =>
  Effect.flatMap(PgClient.PgClient, (sql) => sql`SELECT pg_terminate_backend(${pid})`).pipe(Effect.orDie)

const Count = Schema.Array(Schema.Struct({ n: Schema.NumberFromString }))

export const count = (table: string, where = "true") =>
  Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    const rows = yield* sql.unsafe(`SELECT count(*)::text AS n FROM ${table} WHERE ${where}`)
    return (yield* Schema.decodeUnknown(Count)(rows))[0]?.n ?? 0
  }).pipe(Effect.orDie)

/** Everything the log and the stream table hold for one stream, to compare before and after. */
export const streamSnapshot = (streamId: string) =>
  Effect.gen(function* () {
    const store = yield* EventStore
    return {
      version: yield* store.streamVersion(streamId),
      events: (yield* store.readStream(streamId)).map((e) => `${e.stream_version}:${e.type}`)
    }
  })

/**
 * A queue of the payloads NOTIFYed on `channel` from now on (for the scope). Returns once the
 * LISTEN is proved registered: a probe notification has come back through it.
 */
export const listenOn = (channel: string) =>
  Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    const received = yield* Queue.unbounded<string>()
    yield* sql.listen(channel).pipe(Stream.runForEach((p) => Queue.offer(received, p)), Effect.forkScoped)
    const probe = `probe-${randomUUID()}`
    yield* sql`SELECT pg_notify(${channel}, ${probe})`.pipe(
      Effect.zipRight(Queue.take(received).pipe(Effect.repeat({ until: (p) => p === probe }), Effect.timeout("100 millis"))),
      Effect.retry(Schedule.recurs(50)),
      Effect.orDie
    )
    yield* Queue.takeAll(received)
    return received
  })

/** Fails the test if anything arrives on `queue` within `window`. */
export const expectSilence = <A>(queue: Queue.Dequeue<A>, window: Duration.DurationInput = "300 millis") =>
  Effect.gen(function* () {
    yield* Effect.sleep(window)
    const got = Chunk.toArray(yield* Queue.takeAll(queue))
    if (got.length > 0) return yield* Effect.dieMessage(`expected no notification, got ${JSON.stringify(got)}`)
  })
