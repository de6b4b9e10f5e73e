/**
 * A hint that the log may have grown: readers re-read from the log, never trust it for content.
 * `streamId` null means "anything may have changed" (the LISTEN connection was re-established,
 * so notifications may have been lost while it was down).
 */
export interface Wakeup {
  readonly streamId: string | null
  readonly version: number | null
  readonly source: "notify" | "signal" | "reconnect"
}

export const notifyChannel = "boocode_events"

/** Parses the `stream_id:version` payload sent by `append_events`; stream ids may contain ':'. */
export const parseNotification = (payload: string): Wakeup | undefined => {
  const at = payload.lastIndexOf(":")
  if (at <= 0) return undefined
  const version = Number(payload.slice(at + 1))
  if (!Number.isSafeInteger(version) || version < 1) return undefined
  return { streamId: payload.slice(0, at), version, source: "notify" }
}
