import * as fs from "node:fs/promises"
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import WebSocket from "ws"
import { EventStore } from "../../src/infra/eventstore/EventStore.ts"
import { streamIdOfSession } from "../../src/domain/index.ts"
import { rssOf } from "../lib/machine.ts"
import { type AppProcess, str } from "../lib/server.ts"
import { percentile, repeat, sleep, type Spread, spread } from "../lib/stats.ts"
import { readDirect, type TimedLlm } from "../lib/timedLlm.ts"
import { rebuildReadModels } from "../../src/infra/readmodels/rebuildReadModels.ts"
import { RepositoriesLive } from "../../src/infra/repositories/RepositoriesLive.ts"
import { storeRuntime } from "../lib/db.ts"
import { sessionEvents } from "./replay.ts"
import { tokenReader } from "../lib/tokens.ts"

export interface RelayPoint {
  readonly sessions: number
  readonly relayP50: Spread
  readonly relayP99: Spread
  readonly directP50: Spread
  readonly directP99: Spread
  readonly tokensPerSecond: Spread
  /** CPU time (user + system) of the app process per token relayed, µs. */
  readonly appCpuPerToken: Spread
  /** CPU time of the bench process (the fake LLM producing, and its direct readers) per token, µs. */
  readonly llmCpuPerToken: Spread
  readonly lost: number
}

export interface ResumeRow {
  readonly what: string
  /** Set when a reconnect did not reach caught_up: the case stops there. */
  readonly stalled?: string
  readonly p50: number
  readonly p99: number
  readonly max: number
  readonly samples: number
}

export interface MemoryFigure {
  readonly sockets: number
  readonly perSocketKiB: Spread
  readonly baselineMiB: number
  readonly streamingSessions: number
  readonly streamingSeconds: number
  readonly samples: ReadonlyArray<{ readonly second: number; readonly rssMiB: number }>
  /** Set when the streaming span ended early (the app exited, a request failed). */
  readonly streamingError?: string
}

interface Frame {
  readonly type: string
  readonly content?: string
}

const parseFrame = (data: WebSocket.RawData): Frame => {
  const parsed: unknown = JSON.parse(data.toString())
  const type: unknown = typeof parsed === "object" && parsed !== null ? Reflect.get(parsed, "type") : undefined
  const content: unknown = typeof parsed === "object" && parsed !== null ? Reflect.get(parsed, "content") : undefined
  return { type: typeof type === "string" ? type : "", ...(typeof content === "string" ? { content } : {}) }
}

/** Opens a session socket; resolves once the server says caught_up. */
const openSocket = (app: AppProcess, sessionId: string, query: string, onFrame: (f: Frame) => void, timeoutMs = 60_000) =>
  new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`${app.wsUrl}/api/ws/sessions/${sessionId}${query}`)
    const timer = setTimeout(() => {
      ws.terminate()
      reject(new Error(`socket did not catch up in ${timeoutMs / 1000} s`))
    }, timeoutMs)
    ws.on("message", (data) => {
      const frame = parseFrame(data)
      if (frame.type === "caught_up") {
        clearTimeout(timer)
        resolve(ws)
      }
      onFrame(frame)
    })
    ws.on("close", (code, reason) => {
      clearTimeout(timer)
      reject(new Error(`socket closed before caught_up: ${code} ${reason.toString()}`))
    })
    ws.on("error", (e) => {
      clearTimeout(timer)
      reject(e)
    })
  })

const closeAll = async (sockets: ReadonlyArray<WebSocket>) => {
  await Promise.all(
    sockets.map((ws) => new Promise<void>((resolve) => {
      if (ws.readyState === WebSocket.CLOSED) return resolve()
      ws.once("close", () => resolve())
      ws.close()
      setTimeout(resolve, 2000)
    }))
  )
}

/** Runs `f` over items with at most `limit` at once. */
const pool = async <A, B>(items: ReadonlyArray<A>, limit: number, f: (a: A) => Promise<B>): Promise<Array<B>> => {
  const out: Array<B> = new Array(items.length)
  let next = 0
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await f(items[i])
    }
  }))
  return out
}

const createSessions = (app: AppProcess, projectId: string, n: number) =>
  pool(Array.from({ length: n }, (_, i) => i), 16, async () => str(await app.api("POST", `/api/projects/${projectId}/sessions`, {}), "id"))


/** Figure 1 at one concurrency: WebSocket clients of the app vs clients reading the LLM directly. */
/** User + system CPU of a process so far, in µs (from /proc; Linux clock ticks are 1/100 s). */
const processCpuMicros = async (pid: number) => {
  const stat = await fs.readFile(`/proc/${pid}/stat`, "utf8")
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  return (Number(fields[11]) + Number(fields[12])) * 10_000
}

const ownCpuMicros = () => {
  const usage = process.cpuUsage()
  return usage.user + usage.system
}

const relayOnce = async (app: AppProcess, llm: TimedLlm, projectId: string, n: number, tokens: number, intervalMs: number) => {
  const sent = new Map<string, number>()
  const plan = { count: tokens, intervalMs, chunk: (r: number, i: number) => `tok${r}x${i} `, onSent: (r: number, i: number, at: number) => void sent.set(`${r}x${i}`, at) }

  // Through the app: sockets first (caught up), then the posts.
  const sessionIds = await createSessions(app, projectId, n)
  const relay: Array<number> = []
  let received = 0
  let completed = 0
  let allDone: () => void = () => {}
  const done = new Promise<void>((resolve) => (allDone = resolve))
  const sockets = await pool(sessionIds, 32, (id) => {
    const read = tokenReader((key) => {
      const at = sent.get(key)
      if (at !== undefined) relay.push(performance.now() - at)
      received++
    })
    return openSocket(app, id, "", (frame) => {
      if (frame.type === "delta" && frame.content !== undefined) read(frame.content)
      if (frame.type === "message_complete" || frame.type === "message_failed") if (++completed === n) allDone()
    })
  })
  llm.setPlan(plan)
  const started = performance.now()
  const appCpuBefore = await processCpuMicros(app.pid)
  await pool(sessionIds, 32, (id) => app.api("POST", `/api/sessions/${id}/messages`, { content: "Stream please." }))
  await Promise.race([done, sleep(120_000)])
  const seconds = (performance.now() - started) / 1000
  const appCpu = (await processCpuMicros(app.pid)) - appCpuBefore
  await closeAll(sockets)

  // The limit: the same number of clients reading the LLM directly.
  sent.clear()
  llm.setPlan(plan)
  const direct: Array<number> = []
  const ownCpuBefore = ownCpuMicros()
  await Promise.all(Array.from({ length: n }, () => {
    const read = tokenReader((key) => {
      const at = sent.get(key)
      if (at !== undefined) direct.push(performance.now() - at)
    })
    return readDirect(llm.url, read)
  }))
  const llmCpu = ownCpuMicros() - ownCpuBefore
  return {
    appCpuPerToken: appCpu / Math.max(1, received), llmCpuPerToken: llmCpu / Math.max(1, direct.length),
    relayP50: percentile(relay, 50), relayP99: percentile(relay, 99),
    directP50: percentile(direct, 50), directP99: percentile(direct, 99),
    tokensPerSecond: received / seconds, lost: n * tokens - received
  }
}

export const runRelay = async (
  app: AppProcess, llm: TimedLlm, projectId: string,
  options: { readonly levels: ReadonlyArray<number>; readonly runs: number; readonly tokens: number; readonly tokensPerSecond: number },
  log: (line: string) => void
): Promise<ReadonlyArray<RelayPoint>> => {
  const points: Array<RelayPoint> = []
  for (const n of options.levels) {
    const results = await repeat(options.runs, async () => {
      const r = await relayOnce(app, llm, projectId, n, options.tokens, 1000 / options.tokensPerSecond)
      log(`  ${n} sessions: relay p50 ${r.relayP50.toFixed(2)} ms p99 ${r.relayP99.toFixed(2)} ms; direct p50 ${r.directP50.toFixed(2)} p99 ${r.directP99.toFixed(2)}; ${r.tokensPerSecond.toFixed(0)} tokens/s; app CPU ${r.appCpuPerToken.toFixed(0)} µs/token; lost ${r.lost}`)
      return r
    })
    points.push({
      sessions: n,
      relayP50: spread(results.map((r) => r.relayP50)), relayP99: spread(results.map((r) => r.relayP99)),
      directP50: spread(results.map((r) => r.directP50)), directP99: spread(results.map((r) => r.directP99)),
      tokensPerSecond: spread(results.map((r) => r.tokensPerSecond)),
      appCpuPerToken: spread(results.map((r) => r.appCpuPerToken)),
      llmCpuPerToken: spread(results.map((r) => r.llmCpuPerToken)),
      lost: results.reduce((a, r) => a + r.lost, 0)
    })
  }
  return points
}

/** Figure 4: reconnect to caught_up on a session of `events` events written straight into the log. */
export const runResume = async (
  app: AppProcess, databaseUrl: string,
  options: { readonly events: number; readonly samples: number; readonly missed: number },
  log: (line: string) => void
): Promise<ReadonlyArray<ResumeRow>> => {
  const { sessionId, encoded } = sessionEvents(options.events, 50)
  const runtime = storeRuntime(databaseUrl, 2)
  await runtime.runPromise(Effect.gen(function* () {
    const store = yield* EventStore
    for (let i = 0; i < encoded.length; i += 1000)
      yield* store.append({
        streamId: streamIdOfSession(sessionId), streamType: "session", expectedVersion: i,
        events: encoded.slice(i, i + 1000).map((data) => ({ type: String(data._tag), data }))
      })
  }))
  await runtime.dispose()
  // Written straight into the log, the session has no read-model row (nor snapshot) yet: project it
  // as `boocode rebuild` would, so the app finds it as it finds any session.
  const readModels = ManagedRuntime.make(RepositoriesLive.pipe(Layer.provideMerge(PgClient.layer({ url: Redacted.make(databaseUrl), maxConnections: 2 }))))
  await readModels.runPromise(rebuildReadModels)
  await readModels.dispose()
  const rows: Array<ResumeRow> = []
  const cases = [
    { what: `from scratch (after=0, ${options.events.toLocaleString("en-US")} events: one snapshot frame)`, query: "" },
    { what: `missed the last ${options.missed} events (after=${options.events - options.missed})`, query: `?after=${options.events - options.missed}` },
    { what: "already up to date (after=last version)", query: `?after=${options.events}` }
  ]
  for (const c of cases) {
    const times: Array<number> = []
    let stalled: string | undefined
    for (let i = 0; i < options.samples && stalled === undefined; i++) {
      const t = performance.now()
      try {
        const ws = await openSocket(app, sessionId, c.query, () => {}, 20_000)
        times.push(performance.now() - t)
        await closeAll([ws])
      } catch (e) {
        stalled = `reconnect ${i + 1} failed after ${((performance.now() - t) / 1000).toFixed(0)} s: ${e instanceof Error ? e.message : String(e)}`
      }
    }
    rows.push({
      what: c.what, p50: percentile(times, 50), p99: percentile(times, 99), max: Math.max(...times), samples: times.length,
      ...(stalled === undefined ? {} : { stalled })
    })
    log(`  resume ${c.what}: p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms over ${times.length}${stalled === undefined ? "" : `; STALLED: ${stalled}`}`)
  }
  return rows
}

/** Figure 7: RSS per idle socket, and RSS over a span of streaming sessions. */
export const runMemory = async (
  app: AppProcess, llm: TimedLlm, projectId: string,
  options: { readonly sockets: number; readonly socketSessions: number; readonly runs: number; readonly streamingSessions: number; readonly streamingSeconds: number; readonly tokensPerSecond: number },
  log: (line: string) => void
): Promise<MemoryFigure> => {
  const targets = await createSessions(app, projectId, options.socketSessions)
  await sleep(1000)
  const baseline = await rssOf(app.pid)
  const perSocket = await repeat(options.runs, async () => {
    await sleep(1000)
    const before = await rssOf(app.pid)
    const sockets = await pool(Array.from({ length: options.sockets }, (_, i) => targets[i % targets.length]), 50, (id) => openSocket(app, id, "", () => {}))
    await sleep(2000)
    const after = await rssOf(app.pid)
    await closeAll(sockets)
    log(`  ${options.sockets} idle sockets: +${((after - before) / 1024 ** 2).toFixed(1)} MiB, ${((after - before) / options.sockets / 1024).toFixed(1)} KiB each`)
    return (after - before) / options.sockets / 1024
  })

  const samples: Array<{ second: number; rssMiB: number }> = []
  let streamingError: string | undefined
  const sockets: Array<WebSocket> = []
  try {
    const sessionIds = await createSessions(app, projectId, options.streamingSessions)
    const tokens = Math.ceil(options.streamingSeconds * options.tokensPerSecond) + 50
    llm.setPlan({ count: tokens, intervalMs: 1000 / options.tokensPerSecond, chunk: (r, i) => `tok${r}x${i} ` })
    sockets.push(...(await pool(sessionIds, 32, (id) => openSocket(app, id, "", () => {}))))
    samples.push({ second: 0, rssMiB: (await rssOf(app.pid)) / 1024 ** 2 })
    const started = performance.now()
    await pool(sessionIds, 32, (id) => app.api("POST", `/api/sessions/${id}/messages`, { content: "Stream for a while." }))
    while ((performance.now() - started) / 1000 < options.streamingSeconds) {
      await sleep(10_000)
      const second = Math.round((performance.now() - started) / 1000)
      samples.push({ second, rssMiB: (await rssOf(app.pid)) / 1024 ** 2 })
      log(`  ${options.streamingSessions} streaming sessions, ${second} s: RSS ${samples[samples.length - 1].rssMiB.toFixed(0)} MiB`)
    }
    await pool(sessionIds, 32, (id) => app.api("POST", `/api/sessions/${id}/cancel`))
  } catch (e) {
    streamingError = `${e instanceof Error ? e.message : String(e)}; app process ${app.output().split("\n")[0].slice(0, 200)}`
    log(`  streaming span ended early: ${streamingError}`)
  }
  await closeAll(sockets)
  return {
    sockets: options.sockets, perSocketKiB: spread(perSocket), baselineMiB: baseline / 1024 ** 2,
    streamingSessions: options.streamingSessions, streamingSeconds: options.streamingSeconds, samples,
    ...(streamingError === undefined ? {} : { streamingError })
  }
}

export interface IdleStatementsFigure {
  readonly sockets: number
  readonly seconds: number
  /** Transactions committed per second in the app's database with no socket open. */
  readonly baselinePerSecond: number
  /** The same with `sockets` idle sockets open. */
  readonly withSocketsPerSecond: number
  /** The difference: what the idle sockets cost. */
  readonly causedPerSecond: number
}

/**
 * Postgres statements per second caused by idle sockets: pg_stat_database.xact_commit of the app's
 * database over a span with no socket, then over the same span with `sockets` idle sockets (spread
 * over `sessions` sessions). Spans are long because backends report their counts up to 10 s late.
 */
export const runIdleStatements = async (
  app: AppProcess, databaseUrl: string, projectId: string,
  options: { readonly sockets: number; readonly sessions: number; readonly seconds: number },
  log: (line: string) => void
): Promise<IdleStatementsFigure> => {
  const database = new URL(databaseUrl).pathname.slice(1)
  const runtime = ManagedRuntime.make(PgClient.layer({ url: Redacted.make(databaseUrl), maxConnections: 1 }))
  const commits = () =>
    runtime.runPromise(
      Effect.flatMap(SqlClient.SqlClient, (sql) =>
        sql<{ n: string }>`SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = ${database}`
      ).pipe(Effect.map((rows) => Number(rows[0]?.n ?? 0)))
    )
  const span = async () => {
    await sleep(11_000) // counts of the span before have been reported
    const before = await commits()
    await sleep(options.seconds * 1000)
    await sleep(11_000)
    const after = await commits()
    // Our own two reads are transactions of this database too.
    return (after - before - 1) / options.seconds
  }
  try {
    const targets = await createSessions(app, projectId, options.sessions)
    const baselinePerSecond = await span()
    const sockets = await pool(Array.from({ length: options.sockets }, (_, i) => targets[i % targets.length]), 50, (id) => openSocket(app, id, "", () => {}))
    const withSocketsPerSecond = await span()
    await closeAll(sockets)
    const causedPerSecond = withSocketsPerSecond - baselinePerSecond
    log(`  statements/s: ${baselinePerSecond.toFixed(2)} with no socket, ${withSocketsPerSecond.toFixed(2)} with ${options.sockets} idle sockets: ${causedPerSecond.toFixed(2)}/s caused by them`)
    return { sockets: options.sockets, seconds: options.seconds, baselinePerSecond, withSocketsPerSecond, causedPerSecond }
  } finally {
    await runtime.dispose()
  }
}
