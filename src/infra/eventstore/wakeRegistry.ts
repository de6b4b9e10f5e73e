import type { Wakeup } from "./wakeup.ts"

/** What one poll of the database saw: the highest global position, and the version of each watched stream. */
export interface PollResult {
  readonly head: number
  readonly versions: ReadonlyMap<string, number>
}

/** A log tail waiting for news: of one stream, or (streamId null) of every stream. */
export interface Waiter {
  readonly streamId: string | null
  readonly wake: () => void
  /** Whether the poll shows events this waiter has not read yet. */
  readonly behind: (poll: PollResult) => boolean
}

/**
 * Routes wake-ups to the tails they concern: a stream's wake-up goes to that stream's waiters
 * (and to the tails of every stream), never to the others. A wake-up without a stream (the
 * LISTEN connection came back) goes to all.
 */
export const makeWakeRegistry = () => {
  const byStream = new Map<string, Set<Waiter>>()
  const everything = new Set<Waiter>()

  const add = (waiter: Waiter) => {
    if (waiter.streamId === null) everything.add(waiter)
    else {
      const set = byStream.get(waiter.streamId) ?? new Set<Waiter>()
      set.add(waiter)
      byStream.set(waiter.streamId, set)
    }
    return () => {
      if (waiter.streamId === null) return void everything.delete(waiter)
      const set = byStream.get(waiter.streamId)
      set?.delete(waiter)
      if (set?.size === 0) byStream.delete(waiter.streamId)
    }
  }

  const wakeAll = () => {
    for (const w of everything) w.wake()
    for (const set of byStream.values()) for (const w of set) w.wake()
  }

  const dispatch = (wakeup: Wakeup) => {
    if (wakeup.streamId === null) return wakeAll()
    for (const w of everything) w.wake()
    const set = byStream.get(wakeup.streamId)
    if (set !== undefined) for (const w of set) w.wake()
  }

  /** Wakes the waiters the poll shows behind. */
  const afterPoll = (poll: PollResult) => {
    for (const w of everything) if (w.behind(poll)) w.wake()
    for (const set of byStream.values()) for (const w of set) if (w.behind(poll)) w.wake()
  }

  return {
    add,
    dispatch,
    afterPoll,
    isEmpty: () => everything.size === 0 && byStream.size === 0,
    tailsOf: (streamId: string) => byStream.get(streamId)?.size ?? 0,
    watchedStreams: (): ReadonlyArray<string> => [...byStream.keys()]
  }
}
export type WakeRegistry = ReturnType<typeof makeWakeRegistry>
