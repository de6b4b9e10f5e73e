import { SqlClient, SqlError } from "@effect/sql"
import { Context, Effect, Exit, Layer, Option, Schema, SubscriptionRef } from "effect"
import { randomUUID } from "node:crypto"
import { canonicalJson, sha256 } from "./canonicalJson.ts"
import { Instance } from "../instance/Instance.ts"
import { CommandIdReused, ConcurrencyConflict } from "./errors.ts"
import { LocalWakes, publishAppend } from "./LocalWakes.ts"
import { AppendResult, type Checkpoint, type CommandKey, type NewEvent } from "./model.ts"
import { decodeStoredRows, storedColumns } from "./storedRows.ts"
import { makeGroupedCalls } from "./GroupedCalls.ts"
import { appendOutcomes, appendResult } from "./appendResults.ts"

export interface AppendedEvent {
  readonly stream_id: string
  readonly stream_version: number
  readonly global_position: number
  readonly type: string
  readonly data: unknown
  readonly recorded_at: Date
}

export interface AppendInput {
  readonly streamId: string
  readonly streamType: string
  /** 0: the stream must not exist yet; "any": no check. */
  readonly expectedVersion: number | "any"
  readonly events: ReadonlyArray<NewEvent>
  readonly command?: CommandKey
  /** Runs in the append's transaction (inline read models); skipped for a duplicate command. */
  readonly inline?: (events: ReadonlyArray<AppendedEvent>) => Effect.Effect<void>
}

const pgCode = (error: SqlError.SqlError): { code?: string; detail?: string; message?: string } => {
  const cause = error.cause
  if (cause === null || typeof cause !== "object") return {}
  const get = (key: string) => {
    const value: unknown = Reflect.get(cause, key)
    return typeof value === "string" ? value : undefined
  }
  return { code: get("code"), detail: get("detail"), message: get("message") }
}

/** The expected version as the SQL functions and ConcurrencyConflict take it: null for "any". */
const expectedOf = (input: AppendInput): number | null => (input.expectedVersion === "any" ? null : input.expectedVersion)

const decodeStoredResult = Schema.decodeUnknown(Schema.parseJson(AppendResult.pipe(Schema.omit("duplicate"))))

const APPEND_ONE = "SELECT append_events($1, $2, $3, $4::jsonb, $5, $6, $7)::text AS result"
const APPEND_GROUP = "SELECT append_group($1::jsonb, $2)::text AS result"
/** Plain appends in flight at once before the next ones queue to go out together. */
const MAX_IN_FLIGHT = 2
const MAX_GROUP = 128

const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const localWakes = yield* Effect.serviceOption(LocalWakes)
  const instance = yield* Effect.serviceOption(Instance)

  /**
   * Whether an append must NOTIFY: unless this process's readers are woken in process and no other
   * instance is known alive (they learn of each other within a lease tick; until then their
   * readers' poll catches up). A store without those services always notifies.
   */
  const mustNotify = Effect.suspend(() =>
    Option.isNone(localWakes) || Option.isNone(instance)
      ? Effect.succeed(true)
      : Effect.map(SubscriptionRef.get(instance.value.others), (others) => others > 0)
  )

  const eventsJson = (events: ReadonlyArray<NewEvent & { event_id: string }>) =>
    events.map((e) => ({ event_id: e.event_id, type: e.type, data: e.data, metadata: e.metadata ?? {} }))

  const callAppend = (input: AppendInput, events: ReadonlyArray<NewEvent & { event_id: string }>) => {
    const expected = expectedOf(input)
    const payload = JSON.stringify(eventsJson(events))
    const commandId = input.command?.id ?? null
    const payloadHash = input.command ? sha256(canonicalJson(input.command.payload)) : null
    return Effect.flatMap(mustNotify, (notify) =>
      sql.unsafe<{ result: string }>(APPEND_ONE, [input.streamId, input.streamType, expected, payload, commandId, payloadHash, notify]).pipe(
        Effect.map((rows) => appendResult(rows[0]?.result))
      )
    )
  }

  /** After the commit: this process's readers of the stream are woken at once. */
  const told = (streamId: string) => (result: AppendResult) =>
    Option.isNone(localWakes) || result.duplicate ? Effect.void : publishAppend(localWakes.value, streamId, result.to_version)

  const mapSqlError = (input: AppendInput) => (error: SqlError.SqlError) => {
    const pg = pgCode(error)
    const expected = expectedOf(input)
    if (pg.code === "BC001")
      return new ConcurrencyConflict({
        stream_id: input.streamId,
        expected,
        actual: Number(pg.detail ?? "0"),
        message: pg.message ?? "version conflict"
      })
    // Two appenders racing to create a stream: also a conflict.
    if (pg.code === "23505")
      return new ConcurrencyConflict({
        stream_id: input.streamId,
        expected,
        actual: -1,
        message: `stream ${input.streamId} changed concurrently (${pg.message ?? "unique violation"})`
      })
    if (pg.code === "BC002")
      return new CommandIdReused({ command_id: input.command?.id ?? "", message: pg.message ?? "command id reused" })
    return error
  }

  const failure = (input: AppendInput) => (e: SqlError.SqlError) => {
    const mapped = mapSqlError(input)(e)
    return mapped instanceof SqlError.SqlError ? Effect.die(mapped) : Effect.fail(mapped)
  }

  type Pending = { readonly input: AppendInput; readonly events: ReadonlyArray<NewEvent & { event_id: string }> }

  /** One append in its own statement and transaction (with its inline read models, if any). */
  const appendAlone = ({ input, events }: Pending): Effect.Effect<AppendResult, ConcurrencyConflict | CommandIdReused> => {
    const inline = input.inline
    // Without read models to update, the one statement is the whole (atomic) append: one round trip.
    const appended = inline === undefined
      ? callAppend(input, events)
      : callAppend(input, events).pipe(
        Effect.tap((result) =>
          result.duplicate
            ? Effect.void
            : inline(
              events.map((e, i) => ({
                stream_id: input.streamId,
                stream_version: result.from_version + i,
                global_position: result.positions[i] ?? 0,
                type: e.type,
                data: e.data,
                recorded_at: new Date(result.recorded_at)
              }))
            )
        ),
        sql.withTransaction
      )
    return appended.pipe(
      Effect.catchIf((e): e is SqlError.SqlError => e instanceof SqlError.SqlError, failure(input)),
      Effect.tap(told(input.streamId))
    )
  }

  /**
   * Appends that queued behind others, in one statement: each keeps its own expected version and
   * outcome. Should the statement itself fail, each is retried alone, so each gets its own answer.
   */
  type Outcome = Exit.Exit<AppendResult, ConcurrencyConflict | CommandIdReused>
  const appendGroup = (group: ReadonlyArray<Pending>): Effect.Effect<ReadonlyArray<Outcome>> =>
    Effect.flatMap(mustNotify, (notify) =>
      sql.unsafe<{ result: string }>(APPEND_GROUP, [
        JSON.stringify(group.map(({ input, events }) => ({
          stream_id: input.streamId,
          stream_type: input.streamType,
          expected: expectedOf(input),
          events: eventsJson(events)
        }))),
        notify
      ])
    ).pipe(
      Effect.map((rows) => appendOutcomes(rows[0]?.result, group.length)),
      Effect.flatMap((outcomes) =>
        Effect.forEach(group, ({ input }, i): Effect.Effect<Outcome> => {
          const outcome = outcomes[i]
          return "conflict" in outcome
            ? Effect.succeed(Exit.fail(new ConcurrencyConflict({
              stream_id: input.streamId,
              expected: expectedOf(input),
              actual: outcome.conflict,
              message: outcome.message
            })))
            : Effect.as(told(input.streamId)(outcome), Exit.succeed(outcome))
        })
      ),
      Effect.catchAll(() => Effect.forEach(group, (pending) => Effect.exit(appendAlone(pending))))
    )

  const grouped = yield* makeGroupedCalls<Pending, AppendResult, ConcurrencyConflict | CommandIdReused>({
    one: appendAlone,
    group: appendGroup,
    maxInFlight: MAX_IN_FLIGHT,
    maxGroup: MAX_GROUP,
    scope: yield* Effect.scope
  })

  const append = (input: AppendInput) =>
    Effect.suspend(() => {
      if (input.events.length === 0) return Effect.dieMessage("append called with no events")
      const pending: Pending = { input, events: input.events.map((e) => ({ ...e, event_id: e.event_id ?? randomUUID() })) }
      // Appends with read models or a command id to record run alone; plain ones may share a commit.
      return input.inline === undefined && input.command === undefined ? grouped(pending) : appendAlone(pending)
    }).pipe(Effect.withSpan("EventStore.append", { attributes: { stream: input.streamId }, captureStackTrace: false }))

  const streamColumns = sql.literal(storedColumns(false))
  const allColumns = sql.literal(storedColumns(true))

  const readStream = (streamId: string, options: { readonly after?: number; readonly upTo?: number } = {}) =>
    sql`SELECT ${streamColumns} FROM events
        WHERE stream_id = ${streamId} AND stream_version > ${options.after ?? 0}
          AND stream_version <= ${options.upTo ?? Number.MAX_SAFE_INTEGER}
        ORDER BY events.stream_version`.values.pipe(
      Effect.flatMap((rows) => decodeStoredRows(rows, streamId)),
      Effect.orDie,
      Effect.withSpan("EventStore.readStream", { captureStackTrace: false })
    )

  /**
   * Events after a checkpoint, in commit-safe order: only transactions older than the oldest one
   * still running are visible, so an event whose transaction commits late is never skipped.
   */
  const readAll = (after: Checkpoint, limit = 1000) =>
    sql`SELECT ${allColumns} FROM events
        WHERE (transaction_id, global_position) > (${after.transaction_id}::xid8, ${after.position})
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY events.transaction_id, events.global_position
        LIMIT ${limit}`.values.pipe(
      Effect.flatMap((rows) => decodeStoredRows(rows)),
      Effect.map((events) => {
        const last = events[events.length - 1]
        const checkpoint: Checkpoint = last
          ? { transaction_id: last.transaction_id, position: last.global_position }
          : after
        return { events, checkpoint }
      }),
      Effect.orDie,
      Effect.withSpan("EventStore.readAll", { captureStackTrace: false })
    )

  const streamVersion = (streamId: string) =>
    sql<{ version: string }>`SELECT version::text FROM streams WHERE stream_id = ${streamId}`.pipe(
      Effect.map((rows) => (rows[0] ? Number(rows[0].version) : 0)),
      Effect.orDie
    )

  const streamIds = (prefix: string) =>
    sql<{ stream_id: string }>`SELECT stream_id FROM streams WHERE stream_id LIKE ${prefix + "%"} ORDER BY stream_id`.pipe(
      Effect.map((rows) => rows.map((r) => r.stream_id)),
      Effect.orDie
    )

  /**
   * The stored answer to a command id already used with the same payload, so a repeat can be
   * answered before deciding anything; CommandIdReused when the payload differs.
   */
  const findCommand = (key: CommandKey) =>
    sql<{ payload_hash: string; stream_id: string; result: string | null }>`
      SELECT payload_hash, stream_id, result::text AS result FROM commands WHERE command_id = ${key.id}`.pipe(
      Effect.orDie,
      Effect.flatMap((rows) => {
        const row = rows[0]
        if (row === undefined || row.result === null) return Effect.succeed(Option.none<AppendResult>())
        if (row.payload_hash !== sha256(canonicalJson(key.payload)))
          return Effect.fail(
            new CommandIdReused({ command_id: key.id, message: `command id ${key.id} was already used with another payload` })
          )
        return decodeStoredResult(row.result).pipe(
          Effect.orDie,
          Effect.map((result): Option.Option<AppendResult> => Option.some({ ...result, duplicate: true }))
        )
      })
    )

  return { append, readStream, readAll, streamVersion, streamIds, findCommand } as const
})

export class EventStore extends Context.Tag("EventStore")<EventStore, Effect.Effect.Success<typeof make>>() {
  static readonly layer = Layer.scoped(EventStore, make)
}
