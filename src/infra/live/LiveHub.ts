import { Context, Effect, Layer, Option, type Scope } from "effect"

/** A piece of streamed text, published the moment it arrives from the LLM (before it is persisted). */
export interface LiveDelta {
  readonly session_id: string
  readonly message_id: string
  readonly kind: "text" | "reasoning"
  /** Offset in UTF-16 code units of `text` within the message's text (or reasoning). */
  readonly offset: number
  readonly text: string
}

export interface InFlight {
  readonly message_id: string
  readonly text: string
  readonly reasoning: string
}

interface Channel {
  inFlight: { message_id: string; text: string; reasoning: string } | null
  /** Called in the publisher's step (a session reader fanning out to its sockets). */
  readonly listeners: Set<(delta: LiveDelta) => void>
}

/**
 * In-process fan-out of live deltas per session, and the text of the message in flight so a
 * reader that connects mid-answer gets what is not yet in the log. A listener's snapshot (`peek`)
 * and its deltas are read in synchronous steps, so no delta falls between them.
 */
const make = () => {
  const channels = new Map<string, Channel>()
  const channel = (sessionId: string) => {
    let c = channels.get(sessionId)
    if (c === undefined) {
      c = { inFlight: null, listeners: new Set() }
      channels.set(sessionId, c)
    }
    return c
  }
  const tidy = (sessionId: string, c: Channel) => {
    if (c.inFlight === null && c.listeners.size === 0) channels.delete(sessionId)
  }

  const begin = (sessionId: string, messageId: string) =>
    Effect.sync(() => {
      channel(sessionId).inFlight = { message_id: messageId, text: "", reasoning: "" }
    })

  const end = (sessionId: string) =>
    Effect.sync(() => {
      const c = channels.get(sessionId)
      if (c === undefined) return
      c.inFlight = null
      tidy(sessionId, c)
    })

  const publish = (delta: LiveDelta) =>
    Effect.sync(() => {
      const c = channels.get(delta.session_id)
      if (c === undefined) return
      if (c.inFlight !== null && c.inFlight.message_id === delta.message_id) {
        if (delta.kind === "text") c.inFlight.text += delta.text
        else c.inFlight.reasoning += delta.text
      }
      for (const listen of c.listeners) listen(delta)
    })

  /**
   * Calls `onDelta` with every delta of the session, synchronously as it is published, for the
   * scope; no queue, no fiber. `peek` reads the in-flight text in the same synchronous step a
   * listener uses to hand its sockets their starting point.
   */
  const listen = (sessionId: string, onDelta: (delta: LiveDelta) => void): Effect.Effect<void, never, Scope.Scope> =>
    Effect.acquireRelease(
      Effect.sync(() => void channel(sessionId).listeners.add(onDelta)),
      () =>
        Effect.sync(() => {
          const c = channels.get(sessionId)
          if (c === undefined) return
          c.listeners.delete(onDelta)
          tidy(sessionId, c)
        })
    )

  /** The in-flight message now (a copy), read synchronously. */
  const peek = (sessionId: string): InFlight | null => {
    const f = channels.get(sessionId)?.inFlight
    return f === undefined || f === null ? null : { ...f }
  }

  const inFlight = (sessionId: string) =>
    Effect.sync(() => Option.fromNullable(channels.get(sessionId)?.inFlight).pipe(Option.map((f) => ({ ...f }))))

  return { begin, end, publish, listen, peek, inFlight }
}

export class LiveHub extends Context.Tag("LiveHub")<LiveHub, ReturnType<typeof make>>() {
  static readonly layer = Layer.sync(LiveHub, make)
}
