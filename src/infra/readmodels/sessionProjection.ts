import type { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { claimLease, flagCancel, releaseLease } from "./turnLeaseRows.ts"
import { isTerminalEvent, type MessageSnapshot, type SessionEvent } from "../../domain/index.ts"

const json = (value: unknown) => JSON.stringify(value)

/** Messages keep their order by the stream version that created them (×1000 for copied histories). */
const seqOf = (version: number, index = 0) => version * 1000 + index

export const insertMessage = (sql: SqlClient.SqlClient, sessionId: string, m: MessageSnapshot, seq: number) =>
  sql`INSERT INTO messages (id, session_id, seq, role, content, reasoning, tool_calls, tool_results, status, error,
      finish_reason, usage, ctx_used, ctx_max, timings, model, started_at, finished_at)
    VALUES (${m.id}, ${sessionId}, ${seq}, ${m.role}, ${m.status === "streaming" ? "" : m.content},
      ${m.status === "streaming" ? "" : m.reasoning}, ${json(m.tool_calls)}::jsonb, ${json(m.tool_results)}::jsonb,
      ${m.status}, ${m.error === null ? null : json(m.error)}::jsonb, ${m.finish_reason},
      ${m.usage === null ? null : json(m.usage)}::jsonb, ${m.ctx_used}, ${m.ctx_max},
      ${m.timings === null ? null : json(m.timings)}::jsonb, ${m.model}, ${m.started_at}, ${m.finished_at})`

/**
 * A streaming message's text lives in its delta events; at its terminal event it is assembled
 * from them and written once (rewriting the row per delta would multiply the WAL). Only the events
 * since the message started are read (its row's seq holds that version), not the whole session.
 */
const closeMessage = (
  sql: SqlClient.SqlClient,
  streamId: string,
  sessionId: string,
  messageId: string,
  fields: {
    status: string; error: unknown; finish_reason: string | null; usage: unknown; ctx_used: number | null; ctx_max: number | null
    timings: unknown; at: string; model?: string | undefined
  }
) =>
  sql`WITH started AS (SELECT seq / 1000 AS version FROM messages WHERE session_id = ${sessionId} AND id = ${messageId}),
    deltas AS (SELECT type, data->>'text' AS text, stream_version FROM events
      WHERE stream_id = ${streamId} AND stream_version > (SELECT version FROM started)
        AND type IN ('TextDelta', 'ReasoningDelta') AND data->>'message_id' = ${messageId})
    UPDATE messages SET
      content = coalesce((SELECT string_agg(text, '' ORDER BY stream_version) FROM deltas WHERE type = 'TextDelta'), ''),
      reasoning = coalesce((SELECT string_agg(text, '' ORDER BY stream_version) FROM deltas WHERE type = 'ReasoningDelta'), ''),
      status = ${fields.status}, error = ${fields.error === null ? null : json(fields.error)}::jsonb,
      finish_reason = ${fields.finish_reason}, usage = ${fields.usage === null ? null : json(fields.usage)}::jsonb,
      ctx_used = ${fields.ctx_used}, ctx_max = ${fields.ctx_max},
      timings = ${fields.timings === null ? null : json(fields.timings)}::jsonb, finished_at = ${fields.at},
      model = coalesce(${fields.model ?? null}, model)
    WHERE session_id = ${sessionId} AND id = ${messageId}`

const noUsage = { finish_reason: null, usage: null, ctx_used: null, ctx_max: null, timings: null }

const eventRows = (sql: SqlClient.SqlClient, streamId: string, event: SessionEvent, version: number) => {
  switch (event._tag) {
    case "SessionCreated":
      return sql`INSERT INTO sessions (id, project_id, name, name_by, model, system_prompt, forked_from, version,
          created_at, updated_at)
        VALUES (${event.session_id}, ${event.project_id}, ${event.name}, 'default', ${event.model},
          ${event.system_prompt}, ${event.forked_from === undefined ? null : json(event.forked_from)}::jsonb,
          ${version}, ${event.at}, ${event.at})`
    case "MessagesCopied":
      return Effect.forEach(event.messages, (m, i) => insertMessage(sql, event.session_id, m, seqOf(version, i)), {
        discard: true
      })
    case "SessionRenamed":
      return sql`UPDATE sessions SET name = ${event.name}, name_by = ${event.by} WHERE id = ${event.session_id}`
    case "SessionSettingsChanged":
      return sql`UPDATE sessions SET
          model = CASE WHEN ${event.model !== undefined} THEN ${event.model ?? null} ELSE model END,
          system_prompt = coalesce(${event.system_prompt ?? null}, system_prompt),
          generation = coalesce(${event.generation === undefined ? null : json(event.generation)}::jsonb, generation)
        WHERE id = ${event.session_id}`
    case "SessionDeleted":
      return Effect.zip(
        sql`UPDATE sessions SET deleted = true, open_message_id = NULL WHERE id = ${event.session_id}`,
        releaseLease(sql, event.session_id)
      )
    case "UserMessagePosted":
      return sql`INSERT INTO messages (id, session_id, seq, role, content, status, started_at, finished_at)
        VALUES (${event.message_id}, ${event.session_id}, ${seqOf(version)}, 'user', ${event.content}, 'complete',
          ${event.at}, ${event.at})`
    case "AssistantMessageStarted":
      return Effect.all([
        sql`INSERT INTO messages (id, session_id, seq, role, status, model, started_at)
          VALUES (${event.message_id}, ${event.session_id}, ${seqOf(version)}, 'assistant', 'streaming', ${event.model},
            ${event.at})`,
        sql`UPDATE sessions SET open_message_id = ${event.message_id} WHERE id = ${event.session_id}`,
        claimLease(sql, event)
      ], { discard: true })
    case "AssistantMessageContinued":
      // Streaming again: like any streaming message, its row holds no text until its end.
      return Effect.all([
        sql`UPDATE messages SET status = 'streaming', content = '', reasoning = '', error = NULL, finish_reason = NULL,
            finished_at = NULL WHERE session_id = ${event.session_id} AND id = ${event.message_id}`,
        sql`UPDATE sessions SET open_message_id = ${event.message_id} WHERE id = ${event.session_id}`,
        claimLease(sql, event)
      ], { discard: true })
    case "CancelRequested":
      return flagCancel(sql, event.session_id, event.message_id)
    case "TextDelta":
    case "ReasoningDelta":
      return Effect.void
    case "ToolCallRequested":
      return sql`UPDATE messages SET tool_calls = tool_calls ||
          ${json([{ id: event.tool_call_id, name: event.name, args: event.args }])}::jsonb
        WHERE session_id = ${event.session_id} AND id = ${event.message_id}`
    case "ToolResultRecorded":
      return sql`UPDATE messages SET tool_results = tool_results || ${json([
        { tool_call_id: event.tool_call_id, output: event.output, truncated: event.truncated, error: event.error ?? null }
      ])}::jsonb WHERE session_id = ${event.session_id} AND id = ${event.message_id}`
    case "AssistantMessageCompleted":
      return closeMessage(sql, streamId, event.session_id, event.message_id, { status: "complete", error: null, ...event })
    case "AssistantMessageFailed":
      return closeMessage(sql, streamId, event.session_id, event.message_id, { ...noUsage, status: "failed", error: event.error, at: event.at })
    case "AssistantMessageCancelled":
      return closeMessage(sql, streamId, event.session_id, event.message_id, { ...noUsage, status: "cancelled", error: null, at: event.at })
    case "AssistantMessageInterrupted":
      return closeMessage(sql, streamId, event.session_id, event.message_id, {
        ...noUsage, status: "interrupted", error: { code: "interrupted", message: event.reason }, at: event.at
      })
    // `deleted` marks every row not on the shown branch: deleted, or kept aside as an alternative.
    case "MessagesDeleted":
    case "MessagesSetAside":
      return sql`UPDATE messages SET deleted = true WHERE session_id = ${event.session_id} AND id IN ${sql.in(event.message_ids)}`
    case "AlternativeSelected":
      return sql`UPDATE messages SET deleted = NOT (id IN ${sql.in(event.shown)})
        WHERE session_id = ${event.session_id} AND id IN ${sql.in([...event.shown, ...event.hidden])}`
  }
}

/** Applies one session event to `sessions` and `messages`. Delta batches touch no row at all. */
export const sessionProjection = (sql: SqlClient.SqlClient, streamId: string, event: SessionEvent, version: number) =>
  Effect.gen(function* () {
    yield* eventRows(sql, streamId, event, version)
    if (event._tag === "TextDelta" || event._tag === "ReasoningDelta") return
    if (isTerminalEvent(event)) yield* releaseLease(sql, event.session_id)
    yield* sql`UPDATE sessions SET version = ${version}, updated_at = ${event.at}
      ${isTerminalEvent(event) ? sql`, open_message_id = NULL` : sql``} WHERE id = ${event.session_id}`
  })
