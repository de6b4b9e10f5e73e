import { Context, Effect, Layer, Option, type Scope } from "effect"

/** A piece of streamed text, published the moment it arrives from the LLM (before it is persisted). */
export interface LiveDelta {
  readonly session_id: string
  readonly message_id: string
  readonly kind: "text" | "reasoning"
  /** Offset in UTF-16 code units of `text` within the message's text (or reasoning). */
  readonly offset: number
  readonly text: string
  /**
   * The stream version the turn's log had reached when this piece came (its start, its tool calls
   * and results): a reader relays the piece only after those events, so text never overtakes them.
   */
  readonly after?: number
}

export interface InFlight {
  readonly message_id: string
  readonly text: string
  readonly reasoning: string
  /** The latest `after` of its pieces (see LiveDelta). */
  readonly after: number
}

interface Channel {
  inFlight: { message_id: string; text: string; reasoning: string; after: number; remote: boolean } | null
  /** Called in the publisher's step (a session reader fanning out to its sockets). */
  readonly listeners: Set<(delta: LiveDelta) => void>
}

/** What turns running in this process do, for whoever shares it with other instances. */
export interface LocalTap {
  readonly delta: (delta: LiveDelta) => void
  readonly end: (sessionId: string, messageId: string) => void
}

/** How a piece of another instance's turn fitted what this hub holds of that message. */
export type RemoteFit = "applied" | "duplicate" | "gap"

/**
 * In-process fan-out of live deltas per session, and the text of the message in flight so a
 * reader that connects mid-answer gets what is not yet in the log. A listener's snapshot (`peek`)
 * and its deltas are read in synchronous steps, so no delta falls between them. Turns of other
 * instances come in through `applyRemote`, from offset 0 on, so their in-flight text is whole too.
 */
const make = () => {
  const channels = new Map<string, Channel>()
  const taps = new Set<LocalTap>()
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

  const deliver = (c: Channel, delta: LiveDelta) => {
    if (c.inFlight !== null && c.inFlight.message_id === delta.message_id) {
      if (delta.kind === "text") c.inFlight.text += delta.text
      else c.inFlight.reasoning += delta.text
      if (delta.after !== undefined && delta.after > c.inFlight.after) c.inFlight.after = delta.after
    }
    for (const listen of c.listeners) listen(delta)
  }

  const endIn = (sessionId: string, messageId: string | undefined) => {
    const c = channels.get(sessionId)
    if (c === undefined || (messageId !== undefined && c.inFlight?.message_id !== messageId)) return
    c.inFlight = null
    tidy(sessionId, c)
  }

  /** A turn of this process starts streaming `messageId`, whose text so far (a continued answer) is `so_far`. */
  const begin = (sessionId: string, messageId: string, soFar: { readonly text: string; readonly reasoning: string } = { text: "", reasoning: "" }) =>
    Effect.sync(() => {
      channel(sessionId).inFlight = { message_id: messageId, text: soFar.text, reasoning: soFar.reasoning, after: 0, remote: false }
    })

  const end = (sessionId: string) =>
    Effect.sync(() => {
      const messageId = channels.get(sessionId)?.inFlight?.message_id
      endIn(sessionId, undefined)
      if (messageId !== undefined) for (const tap of taps) tap.end(sessionId, messageId)
    })

  const publish = (delta: LiveDelta) =>
    Effect.sync(() => {
      const c = channels.get(delta.session_id)
      if (c === undefined) return
      deliver(c, delta)
      for (const tap of taps) tap.delta(delta)
    })

  /**
   * A piece of a turn running on another instance. A piece at offset 0 of a message this hub does
   * not hold starts it; text it already holds is dropped; a piece beyond what it holds is a gap
   * (notifications were lost) and is not applied: the caller asks the owner to send it all again.
   */
  const applyRemote = (delta: LiveDelta): RemoteFit => {
    const c = channel(delta.session_id)
    if (c.inFlight === null || c.inFlight.message_id !== delta.message_id) {
      // A turn of this process holds the session: nothing from elsewhere belongs in it.
      if (c.inFlight !== null && !c.inFlight.remote) return "duplicate"
      if (delta.offset !== 0) {
        tidy(delta.session_id, c)
        return "gap"
      }
      c.inFlight = { message_id: delta.message_id, text: "", reasoning: "", after: 0, remote: true }
    }
    const held = delta.kind === "text" ? c.inFlight.text.length : c.inFlight.reasoning.length
    if (delta.offset > held) return "gap"
    if (delta.offset + delta.text.length <= held) return "duplicate"
    deliver(c, { ...delta, offset: held, text: delta.text.slice(held - delta.offset) })
    return "applied"
  }

  /** Another instance's turn ended (its owner said so, or the log shows its end). */
  const endRemote = (sessionId: string, messageId: string) => {
    if (channels.get(sessionId)?.inFlight?.remote === true) endIn(sessionId, messageId)
  }

  /** Calls `tap` with what this process's own turns publish, for the scope. */
  const tapLocal = (tap: LocalTap): Effect.Effect<void, never, Scope.Scope> =>
    Effect.acquireRelease(Effect.sync(() => void taps.add(tap)), () => Effect.sync(() => void taps.delete(tap)))

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

  const copy = (f: Channel["inFlight"]): InFlight | null =>
    f === null ? null : { message_id: f.message_id, text: f.text, reasoning: f.reasoning, after: f.after }

  /** The in-flight message now (a copy), read synchronously. */
  const peek = (sessionId: string): InFlight | null => copy(channels.get(sessionId)?.inFlight ?? null)

  const inFlight = (sessionId: string) => Effect.sync(() => Option.fromNullable(peek(sessionId)))

  /** This process's own turns in flight now: what a newly arrived instance is sent whole. */
  const localInFlight = (): ReadonlyArray<InFlight & { readonly session_id: string }> => {
    const out: Array<InFlight & { readonly session_id: string }> = []
    for (const [sessionId, c] of channels) {
      const f = c.inFlight
      if (f !== null && !f.remote) out.push({ session_id: sessionId, ...copy(f)! })
    }
    return out
  }

  return { begin, end, publish, listen, peek, inFlight, applyRemote, endRemote, tapLocal, localInFlight }
}

export class LiveHub extends Context.Tag("LiveHub")<LiveHub, ReturnType<typeof make>>() {
  static readonly layer = Layer.sync(LiveHub, make)
}
