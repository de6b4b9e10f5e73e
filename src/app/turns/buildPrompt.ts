import type { MessageSnapshot } from "../../domain/index.ts"
import { expandParts } from "../../domain/session/parts.ts"
import type { ChatMessage } from "../../infra/llm/index.ts"

export const basePrompt = (projectName: string, projectPath: string) =>
  [
    `You are BooCode, a code investigation assistant. The user is asking about the project "${projectName}" at ${projectPath}.`,
    "Read the code with the tools view_file, list_dir, grep and find_files; paths are relative to the project root and the tools cannot leave it.",
    "Do not guess file contents: read them first. Cite file paths and line numbers when you discuss code.",
    "Tool results may be truncated; when they are, narrow the query instead of guessing. Be concise."
  ].join(" ")

/** What one completion round of the running turn produced, kept in order for the next request. */
export interface Round {
  readonly text: string
  readonly calls: ReadonlyArray<{ readonly id: string; readonly name: string; readonly args: string }>
  readonly results: ReadonlyArray<{ readonly tool_call_id: string; readonly content: string }>
}

const toolContent = (r: MessageSnapshot["tool_results"][number]) =>
  r.error !== null ? `Error: ${r.error}` : r.output

const wireCalls = (calls: Round["calls"]) =>
  calls.map((c) => ({ id: c.id, type: "function" as const, function: { name: c.name, arguments: c.args } }))

/**
 * A past assistant message, round by round as it happened: each round's text and tool calls as
 * one assistant message, then that round's tool results, then the next round; the final answer last.
 */
const pastAssistant = (m: MessageSnapshot): Array<ChatMessage> => {
  const out: Array<ChatMessage> = []
  let round: { text: string; calls: Array<MessageSnapshot["tool_calls"][number]>; answered: boolean } = { text: "", calls: [], answered: false }
  const close = () => {
    if (round.calls.length > 0) {
      out.push({ role: "assistant", content: round.text === "" ? null : round.text, tool_calls: wireCalls(round.calls) })
      for (const call of round.calls) {
        const result = m.tool_results.find((r) => r.tool_call_id === call.id)
        out.push({ role: "tool", tool_call_id: call.id, content: result ? toolContent(result) : "Error: no result" })
      }
    } else if (round.text !== "") out.push({ role: "assistant", content: round.text })
    round = { text: "", calls: [], answered: false }
  }
  for (const part of expandParts(m)) {
    if (part.type === "text") {
      if (round.calls.length > 0) close()
      round.text += part.text
    } else if (part.type === "tool_call") {
      if (round.answered) close()
      round.calls.push(part.tool_call)
    } else if (part.type === "tool_result") round.answered = true
  }
  close()
  return out
}

/**
 * A stopped answer about to be continued: its finished rounds (text, calls, results), and the
 * text of the round it stopped in, which the request ends with as the assistant's own prefill.
 */
export const continuationOf = (m: MessageSnapshot): { readonly rounds: Array<ChatMessage>; readonly prefill: string } => {
  const rounds = pastAssistant(m)
  const last = rounds[rounds.length - 1]
  if (last !== undefined && last.role === "assistant" && last.tool_calls === undefined && last.content !== null)
    return { rounds: rounds.slice(0, -1), prefill: last.content }
  return { rounds, prefill: "" }
}

/** How the request asks the server to go on with a trailing assistant message. */
export type ContinueStyle = "auto" | "llama" | "vllm" | "none"

export const CONTINUE_INSTRUCTION = "Continue your previous answer exactly where it stopped. Do not repeat any of it."

/**
 * The end of a request that continues `prefill`: llama-server goes on from a trailing assistant
 * message by default; vLLM needs `continue_final_message` and no generation prompt; with none, a
 * plain instruction follows it.
 */
export const prefillRequest = (prefill: string, style: ContinueStyle): { readonly messages: Array<ChatMessage>; readonly extra: Readonly<Record<string, unknown>> } => {
  if (prefill === "") return { messages: [], extra: {} }
  const assistant: ChatMessage = { role: "assistant", content: prefill }
  switch (style) {
    case "vllm":
      return { messages: [assistant], extra: { continue_final_message: true, add_generation_prompt: false } }
    case "none":
      return { messages: [assistant, { role: "user", content: CONTINUE_INSTRUCTION }], extra: {} }
    case "auto":
    case "llama":
      return { messages: [assistant], extra: {} }
  }
}

export const roundMessages = (rounds: ReadonlyArray<Round>): Array<ChatMessage> =>
  rounds.flatMap((r) => [
    { role: "assistant" as const, content: r.text === "" ? null : r.text, tool_calls: wireCalls(r.calls) },
    ...r.results.map((x) => ({ role: "tool" as const, tool_call_id: x.tool_call_id, content: x.content }))
  ])

/** The conversation before the running assistant message, in Chat Completions form. */
export const historyMessages = (messages: ReadonlyArray<MessageSnapshot>): Array<ChatMessage> =>
  messages.flatMap((m) => (m.role === "user" ? [{ role: "user" as const, content: m.content }] : pastAssistant(m)))

/** A rough token count (about 4 characters a token), enough to decide when to shorten. */
export const estimateTokens = (messages: ReadonlyArray<ChatMessage>) =>
  Math.ceil(
    messages.reduce(
      (n, m) => n + (m.content?.length ?? 0) + (m.tool_calls?.reduce((k, c) => k + c.function.arguments.length + 20, 0) ?? 0) + 8,
      0
    ) / 4
  )

const SHORTENED_CHARS = 400

/**
 * Fits the prompt into the context: older tool outputs are shortened first (oldest first), the
 * last round's kept whole. Returns null when even that does not fit.
 */
export const fitToContext = (
  messages: ReadonlyArray<ChatMessage>,
  ctxMax: number | null,
  reserve: number
): Array<ChatMessage> | null => {
  const out = [...messages]
  if (ctxMax === null) return out
  const budget = ctxMax - reserve
  if (estimateTokens(out) <= budget) return out
  const lastUser = out.map((m) => m.role).lastIndexOf("user")
  for (let i = 0; i < out.length && estimateTokens(out) > budget; i++) {
    const m = out[i]
    if (m.role !== "tool" || i >= lastUser || (m.content?.length ?? 0) <= SHORTENED_CHARS) continue
    out[i] = { ...m, content: `${(m.content ?? "").slice(0, SHORTENED_CHARS)}\n[shortened to fit the context window]` }
  }
  return estimateTokens(out) <= budget ? out : null
}
