import type { AppendResult } from "./model.ts"

/**
 * The answers of `append_events` and `append_group`, read by hand: they come from the store's own
 * functions, one per append, and a Schema pass per answer cost more than the JSON parse. Anything
 * not of their shape is a defect (the database's functions and this code disagree).
 */
const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const isCount = (u: unknown): u is number => typeof u === "number" && Number.isSafeInteger(u) && u >= 0

const unexpected = (what: string, text: unknown): never => {
  throw new Error(`the event store answered ${what} of an unexpected shape: ${String(text).slice(0, 200)}`)
}

const readResult = (u: unknown, duplicate: boolean, text: unknown): AppendResult => {
  if (!isRecord(u)) return unexpected("an append", text)
  const { from_version, to_version, positions, recorded_at } = u
  if (
    !isCount(from_version) || !isCount(to_version) || typeof recorded_at !== "string" ||
    !Array.isArray(positions) || !positions.every(isCount)
  ) return unexpected("an append", text)
  return { from_version, to_version, positions, recorded_at, duplicate }
}

/** `append_events`' answer: the versions and positions written, or the stored answer of a repeated command. */
export const appendResult = (text: unknown): AppendResult => {
  if (typeof text !== "string") return unexpected("an append", text)
  const parsed: unknown = JSON.parse(text)
  return readResult(parsed, isRecord(parsed) && parsed.duplicate === true, text)
}

export type GroupOutcome = AppendResult | { readonly conflict: number; readonly message: string }

/** `append_group`'s answer: per item, in order, what was written or the version that refused it. */
export const appendOutcomes = (text: unknown, count: number): ReadonlyArray<GroupOutcome> => {
  if (typeof text !== "string") return unexpected("a group append", text)
  const parsed: unknown = JSON.parse(text)
  if (!Array.isArray(parsed) || parsed.length !== count) return unexpected("a group append", text)
  return parsed.map((u): GroupOutcome => {
    if (isRecord(u) && "conflict" in u) {
      if (!isCount(u.conflict) || typeof u.message !== "string") return unexpected("a group append", text)
      return { conflict: u.conflict, message: u.message }
    }
    return readResult(u, false, text)
  })
}
