import { SqlClient } from "@effect/sql"
import { Effect, Layer, ManagedRuntime, Option, Schema } from "effect"
import { randomUUID } from "node:crypto"
import { type SessionEvent as SessionEventType, SessionDecider, SessionEvent, SessionId, streamIdOfSession } from "../../src/domain/index.ts"
import { EventStore } from "../../src/infra/eventstore/EventStore.ts"
import { insertMessage } from "../../src/infra/readmodels/sessionProjection.ts"
import { readFinishedTexts, withFinishedTexts } from "../../src/infra/readmodels/sessionSnapshotTexts.ts"
import { readSnapshotRow, snapshotDue, snapshotState, writeSnapshot } from "../../src/infra/readmodels/sessionSnapshots.ts"
import { SessionRepository } from "../../src/infra/repositories/SessionRepository.ts"
import type { BenchCluster } from "../lib/db.ts"
import { storeLayer, storeRuntime } from "../lib/db.ts"
import { proseText, repeat, type Spread, spread } from "../lib/stats.ts"
import { coldLoad, textChars } from "./replayColdLoad.ts"

/**
 * Figure 5: folding a long session in memory, reading + decoding + folding it from Postgres, and
 * loading it the way a restarted server does: its persisted snapshot plus the events after it.
 */
export interface ReplayFigure {
  readonly events: number
  readonly messages: number
  readonly deltasPerReply: number
  readonly inMemory: Spread
  readonly decodeAndFold: Spread
  readonly fromPostgres: Spread
  readonly fromPostgresSeconds: Spread
  readonly loadSeconds: number
  /** SessionRepository.load on a fresh repository with the snapshot the append rule would have left. */
  readonly snapshotLoad: Spread
  readonly snapshotLoadSeconds: Spread
  readonly snapshotVersion: number
  readonly snapshotBytes: number
  /** Characters of the snapshot's JSON: what Postgres decompresses and sends, and the load parses. */
  readonly snapshotJsonChars: number
  /** Medians of the load's parts, timed one by one: the snapshot row's query, its parse + shape check, the finished messages' text from the messages read model, the tail's read + decode. */
  readonly parts: { readonly rowSeconds: number; readonly parseSeconds: number; readonly textsSeconds: number; readonly tailSeconds: number }
  /** The first load in a process of its own (a restarted server: nothing compiled or warmed). */
  readonly coldLoadSeconds: Spread
}

/** Where appends would have left the session's snapshot: the rule they use, applied to the whole log. */
const lastSnapshotVersion = (events: ReadonlyArray<SessionEventType>) => {
  let last = 0
  events.forEach((event, i) => {
    if (snapshotDue([event], last, i + 1)) last = i + 1
  })
  return last
}

/** An encoded session of about `total` events: turns of user message, started, N text deltas, completed. */
export const sessionEvents = (total: number, deltasPerReply: number) => {
  const session_id = randomUUID()
  const at = "2025-06-01T12:00:00.000Z"
  const text = proseText(200, 7)
  const events: Array<Record<string, unknown>> = [
    { _tag: "SessionCreated", session_id, project_id: randomUUID(), name: "bench", model: "fake-model", system_prompt: "", at }
  ]
  let messages = 0
  while (events.length + deltasPerReply + 3 <= total) {
    const user = randomUUID()
    const assistant = randomUUID()
    events.push({ _tag: "UserMessagePosted", session_id, message_id: user, content: "Where is the event store?", at })
    events.push({ _tag: "AssistantMessageStarted", session_id, message_id: assistant, model: "fake-model", at })
    for (let d = 0; d < deltasPerReply; d++)
      events.push({ _tag: "TextDelta", session_id, message_id: assistant, offset: d * text.length, text, at })
    events.push({
      _tag: "AssistantMessageCompleted", session_id, message_id: assistant, finish_reason: "stop",
      usage: { prompt_tokens: 100, completion_tokens: 2500, total_tokens: 2600 }, ctx_used: 2600, ctx_max: 8192,
      timings: { predicted_ms: 50_000 }, at
    })
    messages += 2
  }
  while (events.length < total) events.push({ _tag: "SessionRenamed", session_id, name: `bench ${events.length}`, by: "user", at })
  return { sessionId: SessionId.make(session_id), encoded: events, messages }
}

const decodeAll = Schema.decodeUnknownSync(Schema.Array(SessionEvent))

export const runReplay = async (
  cluster: BenchCluster,
  options: { readonly runs: number; readonly events: number; readonly deltasPerReply: number },
  log: (line: string) => void
): Promise<ReplayFigure> => {
  const { sessionId, encoded, messages } = sessionEvents(options.events, options.deltasPerReply)
  const decoded: ReadonlyArray<SessionEventType> = decodeAll(encoded)

  const inMemory = await repeat(options.runs, async () => {
    const t = performance.now()
    const state = SessionDecider.fold(decoded)
    const s = (performance.now() - t) / 1000
    if (state.messages.length !== messages) throw new Error(`folded ${state.messages.length} messages, expected ${messages}`)
    log(`  fold in memory: ${(decoded.length / s).toFixed(0)} events/s`)
    return decoded.length / s
  })
  const decodeAndFold = await repeat(options.runs, async () => {
    const t = performance.now()
    SessionDecider.fold(decodeAll(encoded))
    return decoded.length / ((performance.now() - t) / 1000)
  })

  const url = await cluster.newDatabase("bench_replay")
  const runtime = storeRuntime(url, 4)
  const loadStarted = performance.now()
  await runtime.runPromise(
    Effect.gen(function* () {
      const store = yield* EventStore
      const batch = 1000
      for (let i = 0; i < encoded.length; i += batch) {
        const slice = encoded.slice(i, i + batch)
        yield* store.append({
          streamId: streamIdOfSession(sessionId),
          streamType: "session",
          expectedVersion: i,
          events: slice.map((data) => ({ type: String(data._tag), data }))
        })
      }
    })
  )
  const loadSeconds = (performance.now() - loadStarted) / 1000
  log(`  loaded ${encoded.length} events into Postgres in ${loadSeconds.toFixed(1)} s`)
  await runtime.dispose()

  const seconds: Array<number> = []
  const fromPostgres = await repeat(options.runs, async () => {
    // A fresh repository each run: its cache would otherwise answer from memory.
    const layer = SessionRepository.layer.pipe(Layer.provideMerge(storeLayer(url, 4)))
    const t = performance.now()
    const loaded = await Effect.runPromise(Effect.provide(Effect.flatMap(SessionRepository, (r) => r.load(sessionId)), layer))
    const s = (performance.now() - t) / 1000
    if (loaded.version !== encoded.length) throw new Error(`loaded version ${loaded.version}, expected ${encoded.length}`)
    seconds.push(s)
    log(`  read + decode + fold from Postgres: ${s.toFixed(2)} s, ${(encoded.length / s).toFixed(0)} events/s`)
    return encoded.length / s
  })

  // The bench appended the events without the inline read models: write the snapshot and the
  // message rows (where a snapshot's finished text is read from) that appends would have left.
  const snapshotVersion = lastSnapshotVersion(decoded)
  const snapshotRuntime = storeRuntime(url, 1)
  const snapshotBytes = await snapshotRuntime.runPromise(
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* writeSnapshot(sql, sessionId, SessionDecider.fold(decoded.slice(0, snapshotVersion)))
      const final = SessionDecider.fold(decoded)
      yield* sql.withTransaction(Effect.forEach(final.messages, (m, i) => insertMessage(sql, sessionId, m, i), { discard: true }))
      const rows = yield* sql<{ bytes: number }>`SELECT pg_column_size(state)::int AS bytes FROM session_snapshots`
      return rows[0]?.bytes ?? 0
    })
  )
  await snapshotRuntime.dispose()
  log(`  snapshot at v${snapshotVersion} (${(snapshotBytes / 1e6).toFixed(1)} MB stored), tail of ${encoded.length - snapshotVersion} events`)
  const expectedChars = textChars(SessionDecider.fold(decoded))
  const parts = { row: [] as Array<number>, parse: [] as Array<number>, texts: [] as Array<number>, tail: [] as Array<number> }
  let snapshotJsonChars = 0
  const snapshotLoadSeconds = await repeat(options.runs, async () => {
    // A fresh repository (empty cache) on a connected pool, as in a server that just started.
    const runtime = ManagedRuntime.make(SessionRepository.layer.pipe(Layer.provideMerge(storeLayer(url, 4))))
    try {
      await runtime.runtime()
      const t = performance.now()
      const loaded = await runtime.runPromise(Effect.flatMap(SessionRepository, (r) => r.load(sessionId)))
      const s = (performance.now() - t) / 1000
      if (loaded.version !== encoded.length || loaded.state.messages.length !== messages || textChars(loaded.state) !== expectedChars)
        throw new Error(`snapshot load gave v${loaded.version} with ${loaded.state.messages.length} messages, ${textChars(loaded.state)} characters of text`)
      // The same steps one by one, to show where a load's time goes.
      await runtime.runPromise(Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const store = yield* EventStore
        const repo = yield* SessionRepository
        let t = performance.now()
        const row = yield* Effect.flatMap(readSnapshotRow(sql, sessionId), Effect.orElseFail(() => new Error("no snapshot row")))
        parts.row.push((performance.now() - t) / 1000)
        snapshotJsonChars = row.state.length
        t = performance.now()
        const stored = yield* Effect.flatMap(snapshotState(sessionId, row), Effect.orElseFail(() => new Error("snapshot not usable")))
        parts.parse.push((performance.now() - t) / 1000)
        t = performance.now()
        const state = withFinishedTexts(stored, yield* readFinishedTexts(sql, sessionId))
        if (Option.isNone(state)) throw new Error("a message's text is missing from the read model")
        parts.texts.push((performance.now() - t) / 1000)
        t = performance.now()
        const tail = yield* store.readStream(streamIdOfSession(sessionId), { after: row.version })
        yield* Effect.forEach(tail, repo.decodeStored)
        parts.tail.push((performance.now() - t) / 1000)
      }))
      log(`  load from snapshot + tail: ${(s * 1000).toFixed(0)} ms (row ${(parts.row.at(-1)! * 1000).toFixed(0)} ms, parse ${(parts.parse.at(-1)! * 1000).toFixed(0)} ms, texts ${(parts.texts.at(-1)! * 1000).toFixed(0)} ms, tail ${(parts.tail.at(-1)! * 1000).toFixed(0)} ms)`)
      return s
    } finally {
      await runtime.dispose()
    }
  })
  const coldLoadSeconds = await repeat(options.runs, async () => {
    const cold = await coldLoad(url, sessionId)
    if (cold.version !== encoded.length || cold.messages !== messages || cold.chars !== expectedChars)
      throw new Error(`cold load gave v${cold.version} with ${cold.messages} messages, ${cold.chars} characters of text`)
    log(`  first load in a fresh process: ${(cold.seconds * 1000).toFixed(0)} ms`)
    return cold.seconds
  })
  return {
    events: encoded.length, messages, deltasPerReply: options.deltasPerReply,
    inMemory: spread(inMemory), decodeAndFold: spread(decodeAndFold), fromPostgres: spread(fromPostgres),
    fromPostgresSeconds: spread(seconds), loadSeconds,
    snapshotLoad: spread(snapshotLoadSeconds.map((sec) => encoded.length / sec)),
    snapshotLoadSeconds: spread(snapshotLoadSeconds), snapshotVersion, snapshotBytes, snapshotJsonChars,
    parts: { rowSeconds: spread(parts.row).median, parseSeconds: spread(parts.parse).median, textsSeconds: spread(parts.texts).median, tailSeconds: spread(parts.tail).median },
    coldLoadSeconds: spread(coldLoadSeconds)
  }
}
