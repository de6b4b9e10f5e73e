/** A cancel request for a turn, for the instance that runs it; the payload is the session id. */
export const cancelChannel = "boocode_cancel"

/** In-flight text of turns, coalesced, for viewers on other instances (src/infra/live/crossInstance). */
export const liveChannel = "boocode_live"
