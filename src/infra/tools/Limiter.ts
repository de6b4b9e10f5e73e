/** A promise-level counting semaphore for the grep hot path (no fiber per acquisition). */
export interface Limiter {
  readonly run: <T>(task: () => Promise<T>) => Promise<T>
}

export const makeLimiter = (permits: number): Limiter => {
  let free = permits
  const waiting: Array<() => void> = []
  const release = () => {
    const next = waiting.shift()
    if (next !== undefined) next()
    else free++
  }
  const acquire = (): Promise<void> => {
    if (free > 0) {
      free--
      return Promise.resolve()
    }
    return new Promise((resolve) => waiting.push(resolve))
  }
  return {
    run: async (task) => {
      await acquire()
      try {
        return await task()
      } finally {
        release()
      }
    }
  }
}
