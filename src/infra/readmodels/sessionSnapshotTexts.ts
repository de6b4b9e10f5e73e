import type { SqlClient } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import type { Alternatives, MessageSnapshot, SessionState } from "../../domain/index.ts"

/**
 * A snapshot leaves out the text of finished messages: the messages read model holds it already
 * (written at each message's terminal event, in the same transaction, and never changed after;
 * a deleted message keeps its row, flagged). Kept in, a long session's snapshot is one value of
 * tens of MB that Postgres decompresses and sends whole, far slower than the same text as one row
 * per message, and every snapshot write rewrites it.
 */
const isFinished = (m: MessageSnapshot) => m.status !== "streaming"

const withoutText = (m: MessageSnapshot) =>
  isFinished(m) && (m.content !== "" || m.reasoning !== "") ? { ...m, content: "", reasoning: "" } : m

/** The state as a snapshot stores it: finished messages' content and reasoning empty, shown or kept aside. */
export const withoutFinishedTexts = (state: SessionState): SessionState => ({
  ...state,
  messages: state.messages.map(withoutText),
  alternatives: state.alternatives.map((a) => ({ ...a, tails: a.tails.map((tail) => tail.map(withoutText)) }))
})

export interface MessageTexts {
  readonly content: string
  readonly reasoning: string
}

const TextRow = Schema.Struct({ id: Schema.String, content: Schema.String, reasoning: Schema.String })
const decodeTextRows = Schema.decodeUnknown(Schema.Array(TextRow))

/** The text of every finished message of a session in the messages read model, deleted and set-aside ones included. */
export const readFinishedTexts = (sql: SqlClient.SqlClient, sessionId: string) =>
  sql`SELECT id::text AS id, content, reasoning FROM messages WHERE session_id = ${sessionId} AND status <> 'streaming'`.pipe(
    Effect.flatMap(decodeTextRows),
    Effect.orDie,
    Effect.map((rows) => new Map<string, MessageTexts>(rows.map((r) => [r.id, r])))
  )

/** `messages` with their finished texts put back, or undefined when the read model lacks one. */
const textsPutBack = (messages: ReadonlyArray<MessageSnapshot>, texts: ReadonlyMap<string, MessageTexts>) => {
  const out: Array<MessageSnapshot> = []
  for (const m of messages) {
    if (!isFinished(m)) {
      out.push(m)
      continue
    }
    const found = texts.get(m.id)
    if (found === undefined) return undefined
    out.push({ ...m, content: found.content, reasoning: found.reasoning })
  }
  return out
}

/**
 * A stored snapshot's state with its finished messages' text put back, or none when the read
 * model lacks one of them (being rebuilt, or never projected): then the snapshot is not used.
 */
export const withFinishedTexts = (stored: SessionState, texts: ReadonlyMap<string, MessageTexts>): Option.Option<SessionState> => {
  const messages = textsPutBack(stored.messages, texts)
  if (messages === undefined) return Option.none()
  const alternatives: Array<Alternatives> = []
  for (const a of stored.alternatives) {
    const tails: Array<ReadonlyArray<MessageSnapshot>> = []
    for (const tail of a.tails) {
      const back = textsPutBack(tail, texts)
      if (back === undefined) return Option.none()
      tails.push(back)
    }
    alternatives.push({ ...a, tails })
  }
  return Option.some({ ...stored, messages, alternatives })
}
