import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, FiberStatus, Scope } from "effect"
import { makeGroupedCalls } from "../../../src/infra/eventstore/GroupedCalls.ts"

/** Waits until the fiber is parked (awaiting its turn or its answer), without a timer. */
const parked = (fiber: Fiber.RuntimeFiber<unknown, unknown>) =>
  Effect.gen(function* () {
    while (!FiberStatus.isSuspended(yield* Fiber.status(fiber))) yield* Effect.yieldNow()
  })

/** Calls whose lone path waits on a gate, and whose groups are recorded and answered per item. */
const harness = (maxInFlight: number, scope: Scope.Scope) =>
  Effect.gen(function* () {
    const gate = yield* Deferred.make<void>()
    const alone: Array<number> = []
    const groups: Array<ReadonlyArray<number>> = []
    const call = yield* makeGroupedCalls<number, string, string>({
      one: (n) => Effect.sync(() => alone.push(n)).pipe(Effect.zipRight(Deferred.await(gate)), Effect.as(`alone ${n}`)),
      group: (items) =>
        Effect.sync(() => {
          groups.push(items)
          return items.map((n) => (n % 2 === 0 ? Exit.succeed(`grouped ${n}`) : Exit.fail(`odd ${n}`)))
        }),
      maxInFlight,
      maxGroup: 3,
      scope
    })
    return { call, gate, alone, groups }
  })

describe("grouped calls", () => {
  it.scoped("a lone call goes out at once, alone", () =>
    Effect.gen(function* () {
      const h = yield* harness(1, yield* Effect.scope)
      yield* Deferred.succeed(h.gate, undefined)
      expect(yield* h.call(7)).toBe("alone 7")
      expect(yield* h.call(8)).toBe("alone 8")
      expect(h.alone).toStrictEqual([7, 8])
      expect(h.groups).toStrictEqual([])
    })
  )

  it.scoped("calls that arrive while the slots are taken go out together, in order, each with its own answer", () =>
    Effect.gen(function* () {
      const h = yield* harness(1, yield* Effect.scope)
      const first = yield* Effect.fork(h.call(1))
      yield* parked(first)
      const waiting = []
      for (const n of [2, 3, 4, 5]) {
        const fiber = yield* Effect.fork(Effect.either(h.call(n)))
        yield* parked(fiber)
        waiting.push(fiber)
      }
      expect(h.groups).toStrictEqual([])
      yield* Deferred.succeed(h.gate, undefined)
      expect(yield* Fiber.join(first)).toBe("alone 1")
      const answers = yield* Effect.forEach(waiting, Fiber.join)
      expect(answers.map((a) => (a._tag === "Right" ? a.right : `failed: ${a.left}`))).toStrictEqual([
        "grouped 2", "failed: odd 3", "grouped 4", "failed: odd 5"
      ])
      // maxGroup 3: the fourth waiting call rides in the next group.
      expect(h.groups).toStrictEqual([[2, 3, 4], [5]])
      expect(h.alone).toStrictEqual([1])
    })
  )

  it.scoped("up to maxInFlight calls go out alone at once before any waits", () =>
    Effect.gen(function* () {
      const h = yield* harness(2, yield* Effect.scope)
      const a = yield* Effect.fork(h.call(10))
      const b = yield* Effect.fork(h.call(12))
      yield* parked(a)
      yield* parked(b)
      expect(h.alone).toStrictEqual([10, 12])
      const c = yield* Effect.fork(h.call(14))
      yield* parked(c)
      yield* Deferred.succeed(h.gate, undefined)
      expect(yield* Fiber.join(c)).toBe("grouped 14")
      expect(h.groups).toStrictEqual([[14]])
    })
  )

  it.scoped("a caller that gives up while waiting is never sent", () =>
    Effect.gen(function* () {
      const h = yield* harness(1, yield* Effect.scope)
      const first = yield* Effect.fork(h.call(1))
      yield* parked(first)
      const quitter = yield* Effect.fork(h.call(2))
      const stayer = yield* Effect.fork(h.call(4))
      yield* parked(quitter)
      yield* parked(stayer)
      yield* Fiber.interrupt(quitter)
      yield* Deferred.succeed(h.gate, undefined)
      expect(yield* Fiber.join(stayer)).toBe("grouped 4")
      expect(h.groups).toStrictEqual([[4]])
    })
  )

  it.effect("closing the scope interrupts the callers still waiting", () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const h = yield* harness(1, scope)
      const first = yield* Effect.fork(h.call(1))
      yield* parked(first)
      const waiter = yield* Effect.fork(h.call(2))
      yield* parked(waiter)
      yield* Scope.close(scope, Exit.void)
      const exit = yield* Fiber.await(waiter)
      expect(Exit.isInterrupted(exit)).toBe(true)
      expect(h.groups).toStrictEqual([])
      yield* Fiber.interrupt(first)
    })
  )
})
