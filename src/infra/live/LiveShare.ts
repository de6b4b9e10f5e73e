import { SqlClient } from "@effect/sql"
import { Duration, Effect, Layer, Queue, Stream, SubscriptionRef } from "effect"
import { liveChannel } from "../eventstore/channels.ts"
import { Subscriptions } from "../eventstore/Subscriptions.ts"
import { Instance } from "../instance/Instance.ts"
import { type LiveDelta, LiveHub } from "./LiveHub.ts"
import { helloWire, packWire, parseWire, type WirePiece } from "./liveWire.ts"

/** Pieces are gathered this long before one NOTIFY statement carries them all. */
const COALESCE = Duration.millis(40)
/** A receiver that saw a gap asks again at most this often. */
const HELLO_SPACING_MS = 500

const kindOf = (k: "t" | "r"): LiveDelta["kind"] => (k === "t" ? "text" : "reasoning")

/**
 * Shares the in-flight text of this instance's turns with the other instances, and applies
 * theirs to the local hub, over NOTIFY on one channel: pieces gathered for 40 ms go out in one
 * statement, whatever the number of turns, and only while another instance is alive. A newcomer
 * (or an instance whose LISTEN came back, or that saw a gap) says hello, and every owner sends its
 * turns' text whole, so viewers anywhere get every turn from offset 0.
 */
export const LiveShareLive = Layer.scopedDiscard(
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const hub = yield* LiveHub
    const subscriptions = yield* Subscriptions
    const instance = yield* Instance
    const me = instance.id

    let sharing = (yield* SubscriptionRef.get(instance.others)) > 0
    yield* instance.others.changes.pipe(Stream.runForEach((n) => Effect.sync(() => void (sharing = n > 0))), Effect.forkScoped)

    let pieces: Array<WirePiece> = []
    let ended: Array<readonly [string, string]> = []
    const wake = yield* Effect.makeLatch(false)
    const add = (s: string, m: string, k: "t" | "r", o: number, x: string, after: number) => {
      const last = pieces[pieces.length - 1]
      if (last !== undefined && last[0] === s && last[1] === m && last[2] === k && last[3] + last[4].length === o) {
        pieces[pieces.length - 1] = [s, m, k, last[3], last[4] + x, Math.max(last[5] ?? 0, after)]
      } else pieces.push([s, m, k, o, x, after])
      wake.unsafeOpen()
    }
    /** Every local turn's text from offset 0, for instances that asked. */
    const sendWhole = () => {
      for (const f of hub.localInFlight()) {
        add(f.session_id, f.message_id, "r", 0, f.reasoning, f.after)
        add(f.session_id, f.message_id, "t", 0, f.text, f.after)
      }
    }

    yield* hub.tapLocal({
      delta: (d) => {
        if (sharing) add(d.session_id, d.message_id, d.kind === "text" ? "t" : "r", d.offset, d.text, d.after ?? 0)
      },
      end: (s, m) => {
        if (!sharing) return
        ended.push([s, m])
        wake.unsafeOpen()
      }
    })

    const notify = (payloads: ReadonlyArray<string>) =>
      payloads.length === 0 ? Effect.void : sql`SELECT pg_notify(${liveChannel}, p) FROM unnest(${payloads}::text[]) AS p`.pipe(
        Effect.catchAllCause((cause) => Effect.logDebug("sharing live text failed; other instances will ask again", cause))
      )

    yield* Effect.gen(function* () {
      yield* wake.await
      yield* Effect.sleep(COALESCE)
      wake.unsafeClose()
      const payloads = packWire(me, pieces, ended)
      pieces = []
      ended = []
      yield* notify(payloads)
    }).pipe(Effect.forever, Effect.forkScoped)

    let lastHello = 0
    const hello = Effect.suspend(() => {
      lastHello = Date.now()
      return notify([helloWire(me)])
    })

    const receive = (payload: string) =>
      Effect.gen(function* () {
        const wire = parseWire(payload)
        if (wire === undefined || wire.from === me) return
        if ((yield* SubscriptionRef.get(instance.others)) === 0) yield* SubscriptionRef.set(instance.others, 1)
        sharing = true
        if (wire.hello === true) sendWhole()
        let gap = false
        for (const [s, m, k, o, x, after] of wire.pieces ?? [])
          if (hub.applyRemote({ session_id: s, message_id: m, kind: kindOf(k), offset: o, text: x, after }) === "gap") gap = true
        for (const [s, m] of wire.ended ?? []) hub.endRemote(s, m)
        if (gap && Date.now() - lastHello > HELLO_SPACING_MS) yield* hello
      })

    const heard = yield* subscriptions.messages
    yield* Queue.take(heard).pipe(
      Effect.flatMap((m) => (m.channel === liveChannel ? receive(m.payload) : Effect.void)),
      Effect.forever,
      Effect.forkScoped
    )
    // On the first LISTEN and after every reconnect (pieces may have been missed): ask for it all.
    const wakeups = yield* subscriptions.wakeups
    yield* Queue.take(wakeups).pipe(
      Effect.flatMap((w) => (w.source === "reconnect" ? hello : Effect.void)),
      Effect.forever,
      Effect.forkScoped
    )
  })
)
