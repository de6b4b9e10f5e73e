import { Effect, Schema } from "effect"
import { SessionId, SessionNotFound, streamIdOfSession } from "../domain/index.ts"
import { EventStore } from "../infra/eventstore/EventStore.ts"
import { SessionRepository } from "../infra/repositories/SessionRepository.ts"
import { exportMarkdown } from "../http/handlers/exportMarkdown.ts"
import { loggedEventView, messagesView, sessionView } from "../http/handlers/views.ts"

export class NotASessionId extends Schema.TaggedError<NotASessionId>()("NotASessionId", { input: Schema.String }) {
  get message(): string {
    return `'${this.input}' is not a session id (a UUID, as in the session's URL)`
  }
}

export const parseSessionId = (input: string) =>
  Schema.decodeUnknown(SessionId)(input).pipe(Effect.mapError(() => new NotASessionId({ input })))

export type ExportFormat = "md" | "json" | "ndjson"


/** The log is kept for deleted sessions too: only a stream that never existed is unknown. */
export const sessionEvents = (id: SessionId) =>
  Effect.gen(function* () {
    const store = yield* EventStore
    const events = yield* store.readStream(streamIdOfSession(id))
    if (events.length === 0) return yield* new SessionNotFound({ session_id: id })
    return events
  })

/** The session as it stands, built by the views the HTTP API answers with (SessionNotFound when deleted). */
const sessionNow = (id: SessionId) =>
  Effect.gen(function* () {
    const { state, version } = yield* (yield* SessionRepository).load(id)
    if (!state.exists || state.deleted) return yield* new SessionNotFound({ session_id: id })
    return { session: sessionView(state, version), messages: messagesView(id, state), version }
  })

/** What `boocode export` prints: the bytes of the HTTP export (md, json) or of the NDJSON events endpoint. */
export const exportSession = (
  id: SessionId,
  format: ExportFormat
): Effect.Effect<string, SessionNotFound, SessionRepository | EventStore> => {
  switch (format) {
    case "md":
      return Effect.map(sessionNow(id), ({ messages, session }) => exportMarkdown(session, messages))
    case "json":
      return Effect.map(sessionNow(id), (at) => JSON.stringify(at))
    case "ndjson":
      return Effect.map(sessionEvents(id), (events) => events.map((e) => JSON.stringify(loggedEventView(e)) + "\n").join(""))
  }
}
