export interface FrameRate {
  /** Frames a client may send per second, on average. */
  readonly perSecond: number
  /** Frames it may send at once after being quiet. */
  readonly burst: number
}

/**
 * A token bucket: full (`burst` tokens) at first, refilled at `perSecond`; every client frame
 * takes one. `take` says whether a frame arriving at `nowMs` is within the rate.
 */
export const makeTokenBucket = (rate: FrameRate, startMs: number) => {
  let tokens = rate.burst
  let lastMs = startMs
  return {
    take: (nowMs: number): boolean => {
      tokens = Math.min(rate.burst, tokens + ((nowMs - lastMs) / 1000) * rate.perSecond)
      lastMs = nowMs
      if (tokens < 1) return false
      tokens -= 1
      return true
    }
  }
}
