import { Effect, Stream } from "effect"
import type { MessageSnapshot, SessionId, SessionState } from "../../domain/index.ts"
import type { LlmClient } from "../../infra/llm/index.ts"
import type { SessionRepository } from "../../infra/repositories/SessionRepository.ts"
import { toStorable } from "../../domain/storableText.ts"
import { nowIso } from "../now.ts"

const MAX_NAME = 60

/** Turns a model's reply into a session title: no think-blocks, quotes, labels or trailing dots. */
export const cleanTitle = (raw: string): string => {
  const withoutThinking = raw.replace(/<think>[\s\S]*?(<\/think>|$)/gi, "").replace(/<\/?think>/gi, "")
  const line = withoutThinking.split("\n").map((l) => l.trim()).find((l) => l !== "") ?? ""
  // Marks first, so a label in bold ("**Title:** …") is seen, and again once the label is gone.
  const unwrap = (s: string) => s.replace(/^[\s"'`*#“”‘’«»]+|[\s"'`*“”‘’«»]+$/g, "")
  const cleaned = unwrap(unwrap(line).replace(/^(title|session title|name)\s*:\s*/i, ""))
    .replace(/[.。]+$/, "")
    .trim()
  if (cleaned.length <= MAX_NAME) return cleaned
  const cut = cleaned.slice(0, MAX_NAME)
  const space = cut.lastIndexOf(" ")
  return (space > 20 ? cut.slice(0, space) : cut).trim()
}

/**
 * The exchange a session is named from: its first question and a complete answer, while the
 * session has nothing more and still has its default name (the user's own name is kept).
 */
export const exchangeToName = (state: SessionState): { readonly user: MessageSnapshot; readonly answer: MessageSnapshot } | undefined => {
  if (state.name_by !== "default" || state.deleted || state.messages.length !== 2) return undefined
  const [user, answer] = state.messages
  return user.role === "user" && answer.role === "assistant" && answer.status === "complete" ? { user, answer } : undefined
}

/**
 * After the first full exchange, a short completion without tools names the session, unless
 * the user named it. Best effort: a failure leaves the name unchanged.
 */
export const autoName = (
  sessions: typeof SessionRepository.Service,
  llm: typeof LlmClient.Service,
  sessionId: SessionId
) =>
  Effect.gen(function* () {
    const { state } = yield* sessions.load(sessionId)
    const exchange = exchangeToName(state)
    if (exchange === undefined) return
    const { user, answer } = exchange
    let reply = ""
    yield* llm
      .streamChat({
        model: state.model,
        noTools: true,
        tools: [],
        maxTokens: 64,
        messages: [
          {
            role: "system",
            content: "You name chat sessions. Reply with a short title of at most six words for the conversation below. Title only: no quotes, no punctuation at the end, no explanation. /no_think"
          },
          { role: "user", content: `User: ${user.content.slice(0, 2000)}\n\nAssistant: ${answer.content.slice(0, 2000)}` }
        ]
      })
      .pipe(Stream.runForEach((event) => Effect.sync(() => { if (event._tag === "TextDelta") reply += event.text })))
    const name = cleanTitle(toStorable(reply))
    if (name === "") return
    const at = yield* nowIso
    yield* sessions.execute(sessionId, () => ({ _tag: "RenameSession", session_id: sessionId, name, by: "auto", at }))
  }).pipe(
    Effect.catchAllCause((cause) => Effect.logWarning(`could not name session ${sessionId}`, cause)),
    Effect.withSpan("TurnRunner.autoName")
  )
