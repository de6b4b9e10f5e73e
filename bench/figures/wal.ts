import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Effect, ManagedRuntime, Redacted } from "effect"
import { randomUUID } from "node:crypto"
import { SessionService } from "../../src/app/sessions/SessionService.ts"
import { streamIdOfSession } from "../../src/domain/index.ts"
import { EventStore } from "../../src/infra/eventstore/EventStore.ts"
import type { BenchCluster } from "../lib/db.ts"
import { engineRuntime, newSession, waitForEnd } from "../lib/engine.ts"
import { projectFolder } from "../lib/server.ts"
import { proseText, repeat, type Spread, spread } from "../lib/stats.ts"
import { startTimedLlm } from "../lib/timedLlm.ts"

/** Figure 2: WAL bytes per reply byte, the real engine at several batch intervals vs rewriting the row. */
export interface WalFigure {
  readonly replyBytes: number
  readonly tokensPerSecond: number
  readonly charsPerToken: number
  readonly speedup: number
  readonly points: ReadonlyArray<{
    readonly intervalMs: number
    readonly engine: Spread
    readonly deltaEvents: Spread
    readonly oldWay: Spread
  }>
  /** The old way as DESIGN.md describes it: the whole row rewritten every 500 ms. */
  readonly oldWay500: Spread
  readonly defaultIntervalMs: number
}

const CHARS_PER_TOKEN = 4

/**
 * The old way: one messages row, its whole content rewritten every `intervalMs` of reply time, then
 * completed. The updates run back to back: WAL depends on the sequence of writes, not on the clock.
 */
const oldWay = async (cluster: BenchCluster, url: string, text: string, charsPerSecond: number, intervalMs: number) => {
  const runtime = ManagedRuntime.make(PgClient.layer({ url: Redacted.make(url), maxConnections: 1 }))
  try {
    return await runtime.runPromise(
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* sql`CREATE TABLE IF NOT EXISTS old_messages (
          id uuid PRIMARY KEY, session_id uuid NOT NULL, role text NOT NULL, content text NOT NULL,
          status text NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)`
        yield* sql`CHECKPOINT`
        const id = randomUUID()
        const before = yield* Effect.promise(() => cluster.walLsn())
        yield* sql`INSERT INTO old_messages VALUES (${id}, ${randomUUID()}, 'assistant', '', 'streaming', now(), now())`
        const step = Math.max(1, Math.round((charsPerSecond * intervalMs) / 1000))
        for (let end = step; end < text.length; end += step)
          yield* sql`UPDATE old_messages SET content = ${text.slice(0, end)}, updated_at = now() WHERE id = ${id}`
        yield* sql`UPDATE old_messages SET content = ${text}, status = 'complete', updated_at = now() WHERE id = ${id}`
        const after = yield* Effect.promise(() => cluster.walLsn())
        return yield* Effect.promise(() => cluster.walDiff(after, before))
      })
    )
  } finally {
    await runtime.dispose()
  }
}

export const runWal = async (
  cluster: BenchCluster,
  options: {
    readonly replyBytes: number
    readonly tokensPerSecond: number
    readonly speedup: number
    readonly intervalsMs: ReadonlyArray<number>
    readonly defaultIntervalMs: number
    readonly runs: number
    readonly chartRuns: number
  },
  log: (line: string) => void
): Promise<WalFigure> => {
  const text = proseText(options.replyBytes, 11)
  const replyBytes = Buffer.byteLength(text, "utf8")
  const charsPerSecond = options.tokensPerSecond * CHARS_PER_TOKEN
  // Compressed time: chunks of 5 tokens every (5 tokens / rate / speedup); batch interval / speedup.
  const chunkChars = 5 * CHARS_PER_TOKEN
  const chunks: Array<string> = []
  for (let i = 0; i < text.length; i += chunkChars) chunks.push(text.slice(i, i + chunkChars))
  const chunkMs = (1000 * chunkChars) / charsPerSecond / options.speedup
  const llm = await startTimedLlm()
  const folder = await projectFolder()
  const oldUrl = await cluster.newDatabase("bench_wal_old")
  const points: Array<WalFigure["points"][number]> = []
  // Nothing but the measured writes: autovacuum off while this figure runs (it would vacuum other
  // figures' tables and write full-page images after our CHECKPOINTs).
  await cluster.exec("ALTER SYSTEM SET autovacuum = off")
  await cluster.exec("SELECT pg_reload_conf()")
  try {
    for (const intervalMs of options.intervalsMs) {
      const url = await cluster.newDatabase(`bench_wal_${intervalMs}`)
      const runtime = engineRuntime(url, {
        LLM_BASE_URL: llm.url,
        BOOCODE_FLUSH_INTERVAL: `${intervalMs / options.speedup} millis`
      })
      try {
        const sessionId = await runtime.runPromise(newSession(folder.root))
        const runs = intervalMs === options.defaultIntervalMs ? options.runs : options.chartRuns
        const ratios: Array<number> = []
        const deltas: Array<number> = []
        await repeat(runs, async () => {
          llm.setPlan({ count: chunks.length, intervalMs: chunkMs, chunk: (_r, i) => chunks[i] })
          await runtime.runPromise(Effect.flatMap(SqlClient.SqlClient, (sql) => sql`CHECKPOINT`))
          const before = await cluster.walLsn()
          const versionBefore = await runtime.runPromise(Effect.flatMap(EventStore, (s) => s.streamVersion(streamIdOfSession(sessionId))))
          const posted = await runtime.runPromise(Effect.flatMap(SessionService, (s) => s.postMessage(sessionId, "Explain the event store.")))
          const message = await runtime.runPromise(waitForEnd(sessionId, posted.assistant_message_id))
          const after = await cluster.walLsn()
          if (message.content !== text) throw new Error(`reply differs: ${message.content.length} chars of ${text.length}`)
          const events = await runtime.runPromise(
            Effect.flatMap(EventStore, (s) => s.readStream(streamIdOfSession(sessionId), { after: versionBefore }))
          )
          const wal = await cluster.walDiff(after, before)
          ratios.push(wal / replyBytes)
          deltas.push(events.filter((e) => e.type === "TextDelta").length)
          log(`  engine, batch ${intervalMs} ms: ${(wal / replyBytes).toFixed(2)}× (${deltas[deltas.length - 1]} TextDelta events)`)
        })
        const old = await repeat(runs, async () => (await oldWay(cluster, oldUrl, text, charsPerSecond, intervalMs)) / replyBytes)
        log(`  old way, rewrite every ${intervalMs} ms: ${spread(old).median.toFixed(1)}×`)
        points.push({ intervalMs, engine: spread(ratios), deltaEvents: spread(deltas), oldWay: spread(old) })
      } finally {
        await runtime.dispose()
      }
    }
    const old500 = points.find((p) => p.intervalMs === 500)?.oldWay ??
      spread(await repeat(options.runs, async () => (await oldWay(cluster, oldUrl, text, charsPerSecond, 500)) / replyBytes))
    return {
      replyBytes, tokensPerSecond: options.tokensPerSecond, charsPerToken: CHARS_PER_TOKEN, speedup: options.speedup,
      points, oldWay500: old500, defaultIntervalMs: options.defaultIntervalMs
    }
  } finally {
    await cluster.exec("ALTER SYSTEM RESET autovacuum")
    await cluster.exec("SELECT pg_reload_conf()")
    await llm.close()
    await folder.remove()
  }
}
