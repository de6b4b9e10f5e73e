import WebSocket from "ws"
import type { BenchCluster } from "../lib/db.ts"
import { type AppProcess, projectFolder, startApp, str } from "../lib/server.ts"
import { percentile, proseText, repeat, type Spread, spread } from "../lib/stats.ts"
import { startTimedLlm } from "../lib/timedLlm.ts"
import { tokenReader } from "../lib/tokens.ts"

export interface InstancesFigure {
  readonly sessions: number
  readonly tokens: number
  readonly tokensPerSecond: number
  /** Viewer on the instance running the turn. */
  readonly localP50: Spread
  readonly localP99: Spread
  /** Viewer on another instance. */
  readonly crossP50: Spread
  readonly crossP99: Spread
  readonly lost: number
  readonly wal: {
    readonly replyBytes: number
    /** WAL bytes ÷ reply bytes: one instance alone, and two with the viewer on the other one. */
    readonly alone: Spread
    readonly shared: Spread
  }
}

/** A session socket that calls `onText` with every delta's content and resolves `done` at the message's end. */
const viewer = (app: AppProcess, sessionId: string, onText: (text: string) => void) =>
  new Promise<{ ws: WebSocket; done: Promise<void> }>((resolve, reject) => {
    const ws = new WebSocket(`${app.wsUrl}/api/ws/sessions/${sessionId}`)
    let finish: () => void = () => {}
    const done = new Promise<void>((r) => (finish = r))
    ws.on("message", (data) => {
      const frame = JSON.parse(data.toString()) as { type?: string; content?: string }
      if (frame.type === "caught_up") resolve({ ws, done })
      if (frame.type === "delta" && typeof frame.content === "string") onText(frame.content)
      if (frame.type === "message_complete" || frame.type === "message_failed") finish()
    })
    ws.on("error", reject)
  })


/**
 * Cross-instance live text: two app processes on one database, turns posted to A; for each
 * session one viewer on A and one on B. Lag is from the fake LLM handing a token to its socket to
 * the viewer's frame holding it (one clock). Then the WAL of a 20 KB reply, A alone vs A + B with
 * a viewer on B (NOTIFY pieces and both instances' lease ticks included).
 */
export const runInstances = async (
  cluster: BenchCluster,
  options: { readonly sessions: number; readonly tokens: number; readonly tokensPerSecond: number; readonly runs: number; readonly replyBytes: number; readonly walRuns: number },
  log: (line: string) => void
): Promise<InstancesFigure> => {
  const llm = await startTimedLlm()
  const folder = await projectFolder()
  const databaseUrl = await cluster.newDatabase("bench_instances")
  const a = await startApp(databaseUrl, llm.url, { BOOCODE_INSTANCE_ID: "bench-a" })
  const b = await startApp(databaseUrl, llm.url, { BOOCODE_INSTANCE_ID: "bench-b" })
  let lost = 0
  try {
    const projectId = str(await a.api("POST", "/api/projects", { path: folder.root }), "id")
    const intervalMs = 1000 / options.tokensPerSecond
    const lagRuns = await repeat(options.runs, async () => {
      const sent = new Map<string, number>()
      const local: Array<number> = []
      const cross: Array<number> = []
      const ids = await Promise.all(Array.from({ length: options.sessions }, async () => str(await a.api("POST", `/api/projects/${projectId}/sessions`, {}), "id")))
      const viewers = await Promise.all(ids.flatMap((id) => [
        viewer(a, id, tokenReader((key) => void local.push(performance.now() - (sent.get(key) ?? Number.NaN)))),
        viewer(b, id, tokenReader((key) => void cross.push(performance.now() - (sent.get(key) ?? Number.NaN))))
      ]))
      llm.setPlan({ count: options.tokens, intervalMs, chunk: (r, i) => `tok${r}x${i} `, onSent: (r, i, at) => void sent.set(`${r}x${i}`, at) })
      await Promise.all(ids.map((id) => a.api("POST", `/api/sessions/${id}/messages`, { content: "Stream please." })))
      await Promise.all(viewers.map((v) => v.done))
      for (const v of viewers) v.ws.close()
      lost += 2 * options.sessions * options.tokens - local.length - cross.length
      const row = { localP50: percentile(local, 50), localP99: percentile(local, 99), crossP50: percentile(cross, 50), crossP99: percentile(cross, 99) }
      log(`  ${options.sessions} sessions: local p50 ${row.localP50.toFixed(1)} / p99 ${row.localP99.toFixed(1)} ms, cross-instance p50 ${row.crossP50.toFixed(1)} / p99 ${row.crossP99.toFixed(1)} ms`)
      return row
    })

    // Real time (NOTIFY pieces and lease ticks follow the clock, so compressed time would hide them):
    // 4-character tokens at the paced rate, default batch interval, after a CHECKPOINT as in section 2.
    const reply = proseText(options.replyBytes, 11)
    const walOf = async (viewOn: AppProcess | undefined) => {
      const id = str(await a.api("POST", `/api/projects/${projectId}/sessions`, {}), "id")
      const pieces = Math.ceil(reply.length / 4)
      const seen = viewOn === undefined ? undefined : await viewer(viewOn, id, () => {})
      llm.setPlan({ count: pieces, intervalMs, chunk: (_r, i) => reply.slice(i * 4, i * 4 + 4) })
      await cluster.exec("CHECKPOINT")
      const before = await cluster.walLsn()
      await a.api("POST", `/api/sessions/${id}/messages`, { content: "Stream please." })
      for (;;) {
        const detail = await a.api("GET", `/api/sessions/${id}`)
        const messages = (detail as { messages: Array<{ status: string }> }).messages
        if (messages[messages.length - 1]?.status !== "streaming") break
        await new Promise((r) => setTimeout(r, 100))
      }
      const bytes = await cluster.walDiff(await cluster.walLsn(), before)
      seen?.ws.close()
      return bytes / Buffer.byteLength(reply)
    }
    // A alone first: B deregisters as it stops, and A stops sharing at its next lease tick.
    await b.stop()
    await new Promise((r) => setTimeout(r, 3_000))
    await cluster.exec("ALTER SYSTEM SET autovacuum = off")
    await cluster.exec("SELECT pg_reload_conf()")
    let alone: Array<number> = []
    let shared: Array<number> = []
    try {
      alone = await repeat(options.walRuns, () => walOf(undefined))
      const b2 = await startApp(databaseUrl, llm.url, { BOOCODE_INSTANCE_ID: "bench-b" })
      shared = await repeat(options.walRuns, () => walOf(b2))
      await b2.stop()
    } finally {
      await cluster.exec("ALTER SYSTEM RESET autovacuum")
      await cluster.exec("SELECT pg_reload_conf()")
    }
    log(`  WAL per reply byte: alone ${alone.map((x) => x.toFixed(1)).join(", ")}; shared with a viewer on B ${shared.map((x) => x.toFixed(1)).join(", ")}`)
    return {
      sessions: options.sessions, tokens: options.tokens, tokensPerSecond: options.tokensPerSecond,
      localP50: spread(lagRuns.map((r) => r.localP50)), localP99: spread(lagRuns.map((r) => r.localP99)),
      crossP50: spread(lagRuns.map((r) => r.crossP50)), crossP99: spread(lagRuns.map((r) => r.crossP99)),
      lost,
      wal: { replyBytes: options.replyBytes, alone: spread(alone), shared: spread(shared) }
    }
  } finally {
    await a.stop()
    await b.stop()
    await llm.close()
    await folder.remove()
  }
}
