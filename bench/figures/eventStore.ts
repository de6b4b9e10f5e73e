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

interface Store {
  readonly append: (stream: string, expected: number, data: Record<string, unknown>) => Promise<void>
  readonly read: (stream: string) => Promise<number>
  readonly close: () => Promise<void>
}

const payload = (i: number) => ({ message_id: "m-1", offset: i * 200, text: proseText(200, i) })

const boocodeStore = async (url: string): Promise<Store> => {
  const runtime = storeRuntime(url, 20)
  const store = await runtime.runPromise(EventStore)
  return {
    append: (stream, expected, data) =>
      runtime.runPromise(
        Effect.asVoid(store.append({ streamId: stream, streamType: "bench", expectedVersion: expected, events: [{ type: "TextDelta", data }] }))
      ),
    read: (stream) => runtime.runPromise(Effect.map(store.readStream(stream), (events) => events.length)),
    close: () => runtime.dispose()
  }
}

const emmettStore = async (url: string): Promise<Store> => {
  const store = getPostgreSQLEventStore(url)
  return {
    append: async (stream, expected, data) => {
      await store.appendToStream(stream, [{ type: "TextDelta", data }], {
        expectedStreamVersion: expected === 0 ? "STREAM_DOES_NOT_EXIST" : BigInt(expected)
      })
    },
    read: async (stream) => (await store.readStream(stream)).events.length,
    close: () => store.close()
  }
}

/** Appends from `writers` concurrent writers, each on its own new stream, for `seconds`; appends/s. */
const appendRate = async (store: Store, writers: number, seconds: number): Promise<number> => {
  const until = performance.now() + seconds * 1000
  const started = performance.now()
  const counts = await Promise.all(
    Array.from({ length: writers }, async () => {
      const stream = `bench-${randomUUID()}`
      let version = 0
      while (performance.now() < until) {
        await store.append(stream, version, payload(version))
        version++
      }
      return version
    })
  )
  return counts.reduce((a, b) => a + b, 0) / ((performance.now() - started) / 1000)
}

/** Whole-stream reads of a `length`-event stream for `seconds`, one reader; reads/s. */
const readRate = async (store: Store, stream: string, length: number, seconds: number): Promise<number> => {
  const until = performance.now() + seconds * 1000
  const started = performance.now()
  let reads = 0
  while (performance.now() < until) {
    const n = await store.read(stream)
    if (n !== length) throw new Error(`read ${n} events, expected ${length}`)
    reads++
  }
  return reads / ((performance.now() - started) / 1000)
}

const fill = async (store: Store, length: number): Promise<string> => {
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
