import type { SqlClient } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import type { MessageSnapshot, SessionState } from "../../domain/index.ts"

/**
 * A snapshot leaves out the text of finished messages: the messages read model holds it already
 * (written at each message's terminal event, in the same transaction, and never changed after;
 * a deleted message keeps its row, flagged). Kept in, a long session's snapshot is one value of
 * tens of MB that Postgres decompresses and sends whole, far slower than the same text as one row
 * per message, and every snapshot write rewrites it.
 */
const isFinished = (m: MessageSnapshot) => m.status !== "streaming"

/** The state as a snapshot stores it: finished messages' content and reasoning empty. */
export const withoutFinishedTexts = (state: SessionState): SessionState => ({
  ...state,
  messages: state.messages.map((m) => (isFinished(m) && (m.content !== "" || m.reasoning !== "") ? { ...m, content: "", reasoning: "" } : m))
})

export interface MessageTexts {
  readonly content: string
  readonly reasoning: string
}

const TextRow = Schema.Struct({ id: Schema.String, content: Schema.String, reasoning: Schema.String })
const decodeTextRows = Schema.decodeUnknown(Schema.Array(TextRow))

/** The text of every finished message of a session in the messages read model, deleted ones included. */
export const readFinishedTexts = (sql: SqlClient.SqlClient, sessionId: string) =>
  sql`SELECT id::text AS id, content, reasoning FROM messages WHERE session_id = ${sessionId} AND status <> 'streaming'`.pipe(
    Effect.flatMap(decodeTextRows),
    Effect.orDie,
    Effect.map((rows) => new Map<string, MessageTexts>(rows.map((r) => [r.id, r])))
  )

/**
 * A stored snapshot's state with its finished messages' text put back, or none when the read
 * model lacks one of them (being rebuilt, or never projected): then the snapshot is not used.
 */
export const withFinishedTexts = (stored: SessionState, texts: ReadonlyMap<string, MessageTexts>): Option.Option<SessionState> => {
  const messages: Array<MessageSnapshot> = []
  for (const m of stored.messages) {
    if (!isFinished(m)) {
      messages.push(m)
      continue
    }
    const found = texts.get(m.id)
    if (found === undefined) return Option.none()
    messages.push({ ...m, content: found.content, reasoning: found.reasoning })
  }
  return Option.some({ ...stored, messages })
}
