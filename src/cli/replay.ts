import { Duration, Effect, Schema } from "effect"
import { type SessionId, SessionEvent } from "../domain/index.ts"
import { replayPiece, stamp } from "./replayText.ts"
import { sessionEvents } from "./sessionExport.ts"

export interface ReplayOptions {
  /** Times real speed; 0 or Infinity: no waiting. */
  readonly speed: number
  /** The longest single wait, after scaling. */
  readonly maxPause: Duration.Duration
}

const decodeEvent = Schema.decodeUnknown(SessionEvent)

/** When the event happened: its own `at`, else when it was stored. */
const timeOf = (event: SessionEvent, recordedAt: Date) => {
  const at = Date.parse(event.at)
  return Number.isNaN(at) ? recordedAt.getTime() : at
}

/**
 * Prints a session's log as it unfolded: each event after the time it came after the one before
 * (scaled by `speed`), streamed text as it arrived, every other step on its own stamped line.
 */
export const replaySession = (id: SessionId, options: ReplayOptions, write: (text: string) => Effect.Effect<void>) =>
  Effect.gen(function* () {
    const stored = yield* sessionEvents(id)
    const start = stored[0].recorded_at.getTime()
    let previous = start
    let midLine = false
    for (const row of stored) {
      const event = yield* Effect.orDie(decodeEvent(row.data))
      const time = Math.max(previous, timeOf(event, row.recorded_at))
      const wait = options.speed > 0 && Number.isFinite(options.speed) ? (time - previous) / options.speed : 0
      if (wait > 0) yield* Effect.sleep(Duration.min(Duration.millis(wait), options.maxPause))
      previous = time
      const piece = replayPiece(event)
      if (piece._tag === "Inline") {
        yield* write(piece.text)
        midLine = piece.text !== "" && !piece.text.endsWith("\n")
      } else if (piece._tag === "Lines") {
        const [first, ...rest] = piece.lines
        yield* write(`${midLine ? "\n" : ""}${stamp(time - start)} ${first}\n${rest.map((l) => l + "\n").join("")}`)
        midLine = false
      }
    }
    if (midLine) yield* write("\n")
  })
