import { availableParallelism } from "node:os"
import { Worker } from "node:worker_threads"
import type { FileResult, SearchSpec } from "./Search.ts"
import type { WorkerReply, WorkerRequest } from "./searchWorker.ts"
import type { DirResult, DirTask, WalkSpec } from "./walkTask.ts"

interface Pending {
  readonly resolve: (reply: WorkerReply) => void
  readonly reject: (error: Error) => void
}

type Request = WorkerRequest extends infer R ? (R extends { readonly id: number } ? Omit<R, "id"> : never) : never

interface Slot {
  readonly worker: Worker
  readonly pending: Map<number, Pending>
  replied: boolean
}

/** After a worker dies without ever answering (it cannot start here), batches fail at once for this long. */
const brokenMs = 60_000

/**
 * Running from TypeScript sources (dev, tests, the packed package), the worker script is a .ts
 * file and needs tsx, which a worker does not get from its parent (Node 20 ignores `--import` in
 * a worker's execArgv, and a test runner's own loader is not tsx). So every worker starts in a
 * plain JavaScript entry that registers tsx on its own thread and then imports the worker.
 */
const workerSetup = () => {
  const fromTs = import.meta.url.endsWith(".ts")
  const entry = new URL(fromTs ? "./searchWorker.ts" : "./searchWorker.js", import.meta.url).href
  return { url: new URL("./workerEntry.mjs", import.meta.url), workerData: { entry, tsx: fromTs } }
}

/** Workers stay this long after their last batch, so a burst of greps pays the start-up once. */
const idleMs = 30_000

/**
 * The grep worker threads, one per core, started on first use and stopped when idle. They are
 * unreferenced while idle so they never keep the process alive. A batch is a promise; a caller
 * that is interrupted simply drops it (the worker finishes that small batch and the reply is
 * ignored). A worker that fails rejects its batches (the caller then searches on its own thread)
 * and the next batch starts a new one, unless workers cannot start at all here.
 */
const makePool = () => {
  const size = Math.max(1, availableParallelism())
  let slots: Array<Slot> = []
  let nextId = 1
  let idleTimer: ReturnType<typeof setTimeout> | null = null
  let brokenUntil = 0

  const busy = () => slots.reduce((n, slot) => n + slot.pending.size, 0)

  const settleIdle = () => {
    if (busy() > 0) return
    for (const slot of slots) slot.worker.unref()
    if (idleTimer !== null) clearTimeout(idleTimer)
    idleTimer = setTimeout(() => {
      const stopping = slots
      slots = []
      for (const slot of stopping) void slot.worker.terminate()
    }, idleMs)
    idleTimer.unref()
  }

  const fail = (slot: Slot, error: Error) => {
    if (!slots.includes(slot)) return
    if (!slot.replied) brokenUntil = Date.now() + brokenMs
    slots = slots.filter((s) => s !== slot)
    for (const pending of slot.pending.values()) pending.reject(error)
    slot.pending.clear()
    void slot.worker.terminate()
  }

  const start = (): Slot => {
    const { url, workerData } = workerSetup()
    const worker = new Worker(url, { workerData, execArgv: [] })
    const slot: Slot = { worker, pending: new Map(), replied: false }
    worker.on("message", (reply: WorkerReply) => {
      slot.replied = true
      const pending = slot.pending.get(reply.id)
      if (pending === undefined) return
      slot.pending.delete(reply.id)
      pending.resolve(reply)
      settleIdle()
    })
    worker.on("error", (error) => fail(slot, error))
    worker.on("exit", (code) => fail(slot, new Error(`grep worker exited (${code})`)))
    return slot
  }

  // all workers start together, so a small grep does not pay a second start-up later
  const pick = (): Slot => {
    while (slots.length < size) slots.push(start())
    return slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a))
  }

  /** Sends a request to the least busy worker; the promise ignores the caller's interruption (see above). */
  const send = (request: Request): Promise<WorkerReply> =>
    new Promise((resolve, reject) => {
      if (Date.now() < brokenUntil) return reject(new Error("grep workers cannot start"))
      if (idleTimer !== null) clearTimeout(idleTimer)
      idleTimer = null
      const slot = pick()
      const id = nextId++
      const settle = (fn: () => void) => {
        fn()
        settleIdle()
      }
      slot.pending.set(id, { resolve, reject: (error) => settle(() => reject(error)) })
      slot.worker.ref()
      const message: WorkerRequest = { ...request, id }
      slot.worker.postMessage(message)
    })

  /** Searches walked files. */
  const search = (spec: SearchSpec, files: ReadonlyArray<string>): Promise<ReadonlyArray<FileResult>> =>
    send({ kind: "search", spec, files }).then((reply) => (reply.kind === "search" ? reply.results : Promise.reject(new Error("grep worker answered out of kind"))))

  /** Walks one directory (and searches some of its files). */
  const walk = (spec: WalkSpec, task: DirTask): Promise<DirResult> =>
    send({ kind: "walk", spec, task }).then((reply) => (reply.kind === "walk" ? reply.result : Promise.reject(new Error("grep worker answered out of kind"))))

  /** Whether a request now would fail at once (workers could not start a moment ago). */
  const broken = () => Date.now() < brokenUntil

  return { size, search, walk, broken }
}

let pool: ReturnType<typeof makePool> | null = null

/** The process-wide grep pool (tool calls share the cores, so they share the workers). */
export const grepPool = () => {
  if (pool === null) pool = makePool()
  return pool
}
