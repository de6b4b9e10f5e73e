import { readlinkSync } from "node:fs"
import { setPriority } from "node:os"
import { parentPort } from "node:worker_threads"
import { compileSpec, searchPath, type Compiled, type FileResult, type SearchSpec } from "./Search.ts"
import { walkDirectory, type DirResult, type DirTask, type WalkSpec } from "./walkTask.ts"

/**
 * A worker thread of the grep pool: walks a directory (walkTask.ts) or searches a batch of walked
 * files, with synchronous file system calls.
 */
export type WorkerRequest =
  | { readonly id: number; readonly kind: "search"; readonly spec: SearchSpec; readonly files: ReadonlyArray<string> }
  | { readonly id: number; readonly kind: "walk"; readonly spec: WalkSpec; readonly task: DirTask }

export type WorkerReply =
  | { readonly id: number; readonly kind: "search"; readonly results: ReadonlyArray<FileResult> }
  | { readonly id: number; readonly kind: "walk"; readonly result: DirResult }

/**
 * Searching is background work: on a busy machine the event loop (which serves everyone else)
 * must win the CPU. Linux lets a thread lower its own priority by its thread id.
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

const answer = (request: WorkerRequest): WorkerReply => {
  if (request.kind === "walk") return { id: request.id, kind: "walk", result: walkDirectory(request.spec, request.task) }
  const compiled = compiledFor(request.spec)
  return { id: request.id, kind: "search", results: request.files.map((abs) => searchPath(abs, compiled)) }
}

parentPort?.on("message", (request: WorkerRequest) => parentPort?.postMessage(answer(request)))
