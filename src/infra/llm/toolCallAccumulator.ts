import type { ToolCall } from "./LlmEvent.ts"
import type { ToolCallDelta } from "./wireSchemas.ts"

interface Slot {
  readonly index: number | null
  readonly id: string | null
  readonly name: string
  readonly args: string
}

/** Tool calls gathered from deltas, in the order they first appeared. Immutable. */
export type ToolCallAccumulator = ReadonlyArray<Slot>

export const emptyToolCalls: ToolCallAccumulator = []

const argumentsText = (value: unknown): string =>
  value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value)

/**
 * Which slot a delta continues, or -1 for a new call. By `index` when the server sends one
 * (unless the id says it is another call: some servers repeat index 0), else by `id`,
 * else a delta with a name starts a call and one without continues the last call.
 */
const slotFor = (slots: ToolCallAccumulator, delta: ToolCallDelta): number => {
  const id = delta.id ?? null
  const index = delta.index ?? null
  if (index !== null) {
    const at = slots.findIndex((s) => s.index === index)
    if (at === -1) return -1
    const existing = slots[at]
    return id !== null && existing.id !== null && existing.id !== id ? -1 : at
  }
  if (id !== null) return slots.findIndex((s) => s.id === id)
  if ((delta.function?.name ?? "") !== "") return -1
  return slots.length - 1
}

export const addToolCallDelta = (slots: ToolCallAccumulator, delta: ToolCallDelta): ToolCallAccumulator => {
  const at = slotFor(slots, delta)
  const name = delta.function?.name ?? ""
  const args = argumentsText(delta.function?.arguments)
  if (at === -1) {
    return [...slots, { index: delta.index ?? null, id: delta.id ?? null, name, args }]
  }
  const slot = slots[at]
  const updated: Slot = {
    index: slot.index,
    id: slot.id ?? delta.id ?? null,
    name: slot.name === "" ? name : slot.name,
    args: slot.args + args
  }
  return slots.map((s, i) => (i === at ? updated : s))
}

/** The finished calls; an id is synthesised (`call_<n>`) where the server sent none. */
export const finishToolCalls = (slots: ToolCallAccumulator): ReadonlyArray<ToolCall> =>
  slots
    .filter((s) => s.name !== "" || s.args !== "")
    .map((s, n) => ({
      id: s.id !== null && s.id !== "" ? s.id : `call_${n}`,
      name: s.name,
      arguments: s.args.trim() === "" ? "{}" : s.args
    }))
