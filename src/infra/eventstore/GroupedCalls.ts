import { Deferred, Effect, Exit, Scope } from "effect"

interface Waiting<Item, A, E> {
  readonly item: Item
  readonly deferred: Deferred.Deferred<A, E>
}

export interface GroupedCallsOptions<Item, A, E> {
  /** A call made alone, in the caller's fiber: what runs when nothing else is in flight. */
  readonly one: (item: Item) => Effect.Effect<A, E>
  /** The calls that queued while others were in flight, made together; one Exit per item, in order. */
  readonly group: (items: ReadonlyArray<Item>) => Effect.Effect<ReadonlyArray<Exit.Exit<A, E>>>
  /** How many calls or groups may be in flight at once. */
  readonly maxInFlight: number
  readonly maxGroup: number
  /** Where the fibers that send groups live; closing it interrupts every waiting caller. */
  readonly scope: Scope.Scope
}

/**
 * Natural batching: a call goes out at once when fewer than `maxInFlight` are in flight, so a lone
 * caller waits for nothing; calls arriving while the limit is reached queue, and go out together
 * as soon as a slot frees. No timer: the group is whatever arrived during one round trip.
 */
export const makeGroupedCalls = <Item, A, E>(options: GroupedCallsOptions<Item, A, E>) =>
  Effect.gen(function* () {
    const { one, group, maxInFlight, maxGroup, scope } = options
    let inFlight = 0
    let closed = false
    const queue: Array<Waiting<Item, A, E>> = []

    const settle = (batch: ReadonlyArray<Waiting<Item, A, E>>, exits: ReadonlyArray<Exit.Exit<A, E>>) =>
      Effect.forEach(batch, (w, i) => Deferred.done(w.deferred, exits[i] ?? Exit.die(new Error("group answered too few items"))), {
        discard: true
      })

    // Runs while it holds a slot; gives the slot back when the queue is empty.
    const drain: Effect.Effect<void> = Effect.suspend(() => {
      if (queue.length === 0 || closed) {
        inFlight--
        return Effect.void
      }
      const batch = queue.splice(0, maxGroup)
      return Effect.exit(group(batch.map((w) => w.item))).pipe(
        Effect.flatMap((exit) =>
          Exit.isSuccess(exit)
            ? settle(batch, exit.value)
            : settle(batch, batch.map(() => Exit.failCause(exit.cause)))
        ),
        Effect.onInterrupt(() => Effect.forEach(batch, (w) => Deferred.interrupt(w.deferred), { discard: true })),
        // The callers just answered get to queue their next call, so it rides in the next group.
        Effect.zipRight(Effect.yieldNow()),
        Effect.zipRight(drain)
      )
    })

    const release = Effect.suspend(() => {
      if (queue.length === 0 || closed) {
        inFlight--
        return Effect.void
      }
      return Effect.asVoid(Effect.forkIn(drain, scope))
    })

    yield* Scope.addFinalizer(
      scope,
      Effect.suspend(() => {
        closed = true
        return Effect.forEach(queue.splice(0), (w) => Deferred.interrupt(w.deferred), { discard: true })
      })
    )

    return (item: Item): Effect.Effect<A, E> =>
      Effect.suspend(() => {
        if (inFlight < maxInFlight || closed) {
          inFlight++
          return Effect.ensuring(one(item), release)
        }
        return Effect.flatMap(Deferred.make<A, E>(), (deferred) => {
          const waiting: Waiting<Item, A, E> = { item, deferred }
          queue.push(waiting)
          // A caller that gives up before its call was taken leaves the queue: nothing is sent for it.
          return Deferred.await(deferred).pipe(
            Effect.onInterrupt(() =>
              Effect.sync(() => {
                const at = queue.indexOf(waiting)
                if (at >= 0) queue.splice(at, 1)
              })
            )
          )
        })
      })
  })
