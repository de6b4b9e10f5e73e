import { Effect, Stream } from "effect"
import type { SessionId } from "../../domain/index.ts"
import type { LlmClient } from "../../infra/llm/index.ts"
import type { SessionRepository } from "../../infra/repositories/SessionRepository.ts"
import { toStorable } from "../../domain/storableText.ts"
import { nowIso } from "../now.ts"

const MAX_NAME = 60

/** Turns a model's reply into a session title: no think-blocks, quotes, labels or trailing dots. */
export const cleanTitle = (raw: string): string => {
  const withoutThinking = raw.replace(/<think>[\s\S]*?(<\/think>|$)/gi, "").replace(/<\/?think>/gi, "")
  const line = withoutThinking.split("\n").map((l) => l.trim()).find((l) => l !== "") ?? ""
  const cleaned = line
    .replace(/^(title|session title|name)\s*:\s*/i, "")
    .replace(/^[\s"'`*#“”‘’«»]+|[\s"'`*“”‘’«»]+$/g, "")
    .replace(/[.。]+$/, "")
    .trim()
  if (cleaned.length <= MAX_NAME) return cleaned
  const cut = cleaned.slice(0, MAX_NAME)
  const space = cut.lastIndexOf(" ")
  return (space > 20 ? cut.slice(0, space) : cut).trim()
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
    if (state.name_by !== "default" || state.deleted) return
    const user = state.messages.find((m) => m.role === "user")
    const answer = state.messages.find((m) => m.role === "assistant" && m.status === "complete")
    if (user === undefined || answer === undefined || state.messages.length > 2) return
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
