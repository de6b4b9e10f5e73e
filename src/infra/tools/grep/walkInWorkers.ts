import { Deferred, Effect, Exit, Fiber, Queue } from "effect"
import type { SecretMatcher } from "../secretMatcher.ts"
import { ToolError } from "../ToolError.ts"
import { walkDirectory, type DirResult, type DirTask, type WalkSpec } from "./walkTask.ts"
import { grepPool } from "./WorkerPool.ts"

/**
 * The .boocodeignore text a worker rebuilds the secret rules from, when the walk can run on the
 * workers: not for a hand-made matcher without it, nor while workers cannot start.
 */
export const rulesForWorkers = (secrets: SecretMatcher): string | undefined =>
  grepPool().broken() ? undefined : secrets.projectRules

type Job = { readonly kind: "dir"; readonly task: DirTask } | { readonly kind: "run"; readonly effect: Effect.Effect<void, ToolError> }

/**
 * The walk itself on the worker threads: each directory is listed, filtered (the same rules as
 * Walker.ts) and mostly searched by a worker; here a few fibers (two per worker) hand out
 * directories and pass each result to `handle`, whose returned effects (a big directory's
 * remaining batches) run on the same fibers. Interruption drops what is in flight. Should a
 * worker fail, that directory is listed here instead.
 */
export const walkInWorkers = (
  spec: WalkSpec,
  start: DirTask,
  handle: (result: DirResult) => ReadonlyArray<Effect.Effect<void, ToolError>>
): Effect.Effect<void, ToolError> =>
  Effect.gen(function* () {
    const pool = grepPool()
    const jobs = yield* Queue.unbounded<Job>()
    const finished = yield* Deferred.make<void, ToolError>()
    let outstanding = 0
    const add = (job: Job) => {
      outstanding++
      Queue.unsafeOffer(jobs, job)
    }
    const done = Effect.sync(() => {
      if (--outstanding === 0) Deferred.unsafeDone(finished, Exit.void)
    })
    const list = (task: DirTask) =>
      Effect.tryPromise(() => pool.walk(spec, task)).pipe(
        Effect.orElse(() => Effect.sync(() => walkDirectory({ ...spec, inlineFiles: 0 }, task)))
      )
    const visit = (task: DirTask) =>
      Effect.flatMap(list(task), (result) => {
        if (result.unreadable !== null && task === start)
          return Effect.fail(new ToolError({ message: `${start.rel === "" ? "." : start.rel}: cannot read directory (${result.unreadable})` }))
        for (const effect of handle(result)) add({ kind: "run", effect })
        for (const subdir of result.subdirs) add({ kind: "dir", task: subdir })
        return Effect.void
      })
    const runner = Effect.forever(
      Effect.flatMap(Queue.take(jobs), (job) =>
        (job.kind === "dir" ? visit(job.task) : job.effect).pipe(
          Effect.catchAll((error) => Deferred.fail(finished, error)),
          Effect.zipRight(done)
        )
      )
    )
    add({ kind: "dir", task: start })
    const runners = yield* Effect.forkAll(Array.from({ length: 2 * pool.size }, () => runner))
    yield* Deferred.await(finished).pipe(Effect.ensuring(Fiber.interrupt(runners)))
  })
