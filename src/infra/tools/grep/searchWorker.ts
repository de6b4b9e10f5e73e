import { readlinkSync } from "node:fs"
import { setPriority } from "node:os"
import { parentPort } from "node:worker_threads"
import { compileSpec, searchPath, type Compiled, type FileResult, type SearchSpec } from "./Search.ts"

/** A worker thread of the grep pool: searches batches of walked files with synchronous reads. */
export interface BatchRequest {
  readonly id: number
  readonly spec: SearchSpec
  readonly files: ReadonlyArray<string>
}

export interface BatchReply {
  readonly id: number
  readonly results: ReadonlyArray<FileResult>
}

/**
 * Searching is background work: on a busy machine the event loop (which walks, and serves
 * everyone else) must win the CPU. Linux lets a thread lower its own priority by its thread id.
 */
const yieldToEventLoop = () => {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop())
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10)
  } catch {
    // not Linux, or not allowed: the worker runs at normal priority
  }
}
yieldToEventLoop()

let last: { readonly key: string; readonly compiled: Compiled } | null = null

const compiledFor = (spec: SearchSpec): Compiled => {
  const key = JSON.stringify(spec)
  if (last === null || last.key !== key) last = { key, compiled: compileSpec(spec) }
  return last.compiled
}

parentPort?.on("message", (request: BatchRequest) => {
  const compiled = compiledFor(request.spec)
  const reply: BatchReply = { id: request.id, results: request.files.map((abs) => searchPath(abs, compiled)) }
  parentPort?.postMessage(reply)
})
