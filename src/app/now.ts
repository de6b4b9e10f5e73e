import { DateTime, Effect } from "effect"

/** The current time as an ISO string, from Effect's Clock: the domain takes time as data. */
export const nowIso = Effect.map(DateTime.now, DateTime.formatIso)
