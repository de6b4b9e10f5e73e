import { getPostgreSQLEventStore } from "@event-driven-io/emmett-postgresql"
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import { EventStore } from "../../src/infra/eventstore/EventStore.ts"
import type { BenchCluster } from "../lib/db.ts"
import { storeRuntime } from "../lib/db.ts"
import { proseText, repeat, type Spread, spread } from "../lib/stats.ts"

/** Figure 3: single-event appends with expected version, and stream reads, BooCode vs Emmett. */
export interface EventStoreFigure {
  readonly appendSeconds: number
  readonly readSeconds: number
  readonly readStreamLength: number
  readonly rows: ReadonlyArray<{
    readonly what: string
    readonly boocode: Spread
    readonly emmett: Spread
    readonly ratio: Spread
  }>
}

/**
 * Each store is driven the way its own callers drive it: BooCode's writers and reader are Effect
 * loops inside its runtime (as the app's fibers call EventStore), Emmett's are async functions.
 */
export interface Store {
  /** Appends to a new stream until `until` (performance.now()); how many it appended. */
  readonly writeUntil: (stream: string, until: number) => Promise<number>
  readonly append: (stream: string, expected: number, data: Record<string, unknown>) => Promise<void>
  /** Whole-stream reads until `until`, each checked to have `length` events; how many reads. */
  readUntil: (stream: string, length: number, until: number) => Promise<number>
  readonly close: () => Promise<void>
}

const payload = (i: number) => ({ message_id: "m-1", offset: i * 200, text: proseText(200, i) })

export const boocodeStore = async (url: string): Promise<Store> => {
  const runtime = storeRuntime(url, 20)
  const store = await runtime.runPromise(EventStore)
  const append = (stream: string, expected: number, data: Record<string, unknown>) =>
    store.append({ streamId: stream, streamType: "bench", expectedVersion: expected, events: [{ type: "TextDelta", data }] })
  return {
    writeUntil: (stream, until) =>
      runtime.runPromise(
        Effect.gen(function* () {
          let version = 0
          while (performance.now() < until) {
            yield* append(stream, version, payload(version))
            version++
          }
          return version
        })
      ),
    append: (stream, expected, data) => runtime.runPromise(Effect.asVoid(append(stream, expected, data))),
    readUntil: (stream, length, until) =>
      runtime.runPromise(
        Effect.gen(function* () {
          let reads = 0
          while (performance.now() < until) {
            const events = yield* store.readStream(stream)
            if (events.length !== length) return yield* Effect.dieMessage(`read ${events.length} events, expected ${length}`)
            reads++
          }
          return reads
        })
      ),
    close: () => runtime.dispose()
  }
}

export const emmettStore = async (url: string): Promise<Store> => {
  const store = getPostgreSQLEventStore(url)
  const append = async (stream: string, expected: number, data: Record<string, unknown>) => {
    await store.appendToStream(stream, [{ type: "TextDelta", data }], {
      expectedStreamVersion: expected === 0 ? "STREAM_DOES_NOT_EXIST" : BigInt(expected)
    })
  }
  return {
    writeUntil: async (stream, until) => {
      let version = 0
      while (performance.now() < until) {
        await append(stream, version, payload(version))
        version++
      }
      return version
    },
    append,
    readUntil: async (stream, length, until) => {
      let reads = 0
      while (performance.now() < until) {
        const n = (await store.readStream(stream)).events.length
        if (n !== length) throw new Error(`read ${n} events, expected ${length}`)
        reads++
      }
      return reads
    },
    close: () => store.close()
  }
}

/** Appends from `writers` concurrent writers, each on its own new stream, for `seconds`; appends/s. */
/**
 * Both stores share this process's heap, so one's garbage would be collected on the other's time:
 * each measured span starts from a collected heap when the bench runs with --expose-gc.
 */
const collect = () => (globalThis as { gc?: () => void }).gc?.()

export const appendRate = async (store: Store, writers: number, seconds: number): Promise<number> => {
  collect()
  const started = performance.now()
  const until = started + seconds * 1000
  const counts = await Promise.all(Array.from({ length: writers }, () => store.writeUntil(`bench-${randomUUID()}`, until)))
  return counts.reduce((a, b) => a + b, 0) / ((performance.now() - started) / 1000)
}

/** Whole-stream reads of a `length`-event stream for `seconds`, one reader; reads/s. */
export const readRate = async (store: Store, stream: string, length: number, seconds: number): Promise<number> => {
  collect()
  const started = performance.now()
  const reads = await store.readUntil(stream, length, started + seconds * 1000)
  return reads / ((performance.now() - started) / 1000)
}

export const fill = async (store: Store, length: number): Promise<string> => {
  const stream = `read-${randomUUID()}`
  for (let v = 0; v < length; v++) await store.append(stream, v, payload(v))
  return stream
}

export const runEventStore = async (
  cluster: BenchCluster,
  options: { readonly runs: number; readonly appendSeconds: number; readonly readSeconds: number; readonly readStreamLength: number },
  log: (line: string) => void
): Promise<EventStoreFigure> => {
  const boocode = await boocodeStore(await cluster.newDatabase("bench_es_boocode"))
  const emmett = await emmettStore(await cluster.newDatabase("bench_es_emmett"))
  try {
    // Warm-up: schema creation (Emmett migrates on first use), prepared plans, pools.
    for (const store of [boocode, emmett]) await appendRate(store, 8, 0.5)
    const rows: Array<EventStoreFigure["rows"][number]> = []
    for (const writers of [1, 8]) {
      const b: Array<number> = []
      const e: Array<number> = []
      const ratios: Array<number> = []
      await repeat(options.runs, async () => {
        // Alternate which store goes first so drift (autovacuum, page cache) does not favour one.
        const order = b.length % 2 === 0 ? [boocode, emmett] : [emmett, boocode]
        const results = new Map<Store, number>()
        for (const store of order) results.set(store, await appendRate(store, writers, options.appendSeconds))
        const rb = results.get(boocode) ?? Number.NaN
        const re = results.get(emmett) ?? Number.NaN
        b.push(rb)
        e.push(re)
        ratios.push(rb / re)
        log(`  appends, ${writers} writer(s): boocode ${rb.toFixed(0)}/s, emmett ${re.toFixed(0)}/s`)
      })
      rows.push({ what: `appends/s, ${writers} writer${writers === 1 ? "" : "s"}`, boocode: spread(b), emmett: spread(e), ratio: spread(ratios) })
    }
    const bStream = await fill(boocode, options.readStreamLength)
    const eStream = await fill(emmett, options.readStreamLength)
    const b: Array<number> = []
    const e: Array<number> = []
    const ratios: Array<number> = []
    await repeat(options.runs, async () => {
      const rb = await readRate(boocode, bStream, options.readStreamLength, options.readSeconds)
      const re = await readRate(emmett, eStream, options.readStreamLength, options.readSeconds)
      b.push(rb)
      e.push(re)
      ratios.push(rb / re)
      log(`  reads of ${options.readStreamLength} events: boocode ${rb.toFixed(1)}/s, emmett ${re.toFixed(1)}/s`)
    })
    rows.push({ what: `whole-stream reads/s (${options.readStreamLength} events), 1 reader`, boocode: spread(b), emmett: spread(e), ratio: spread(ratios) })
    return { appendSeconds: options.appendSeconds, readSeconds: options.readSeconds, readStreamLength: options.readStreamLength, rows }
  } finally {
    await boocode.close()
    await emmett.close()
  }
}
