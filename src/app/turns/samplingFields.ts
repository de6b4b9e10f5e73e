import type { GenerationSettings } from "../../domain/index.ts"

/** Fields of the request the turn itself owns: extra settings cannot replace them. */
const OWNED = new Set(["model", "messages", "stream", "stream_options", "tools", "tool_choice", "n"])

/** A session's sampling settings as request body fields; unset ones are left to the server. */
export const samplingFields = (g: GenerationSettings): Record<string, unknown> => ({
  ...Object.fromEntries(Object.entries(g.extra ?? {}).filter(([key]) => !OWNED.has(key))),
  ...(g.temperature === null ? {} : { temperature: g.temperature }),
  ...(g.top_p === null ? {} : { top_p: g.top_p }),
  ...(g.max_tokens === null ? {} : { max_tokens: g.max_tokens })
})
