import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"
import { SessionService } from "../../app/sessions/SessionService.ts"
import { type SessionId, SessionNotFound, streamIdOfSession } from "../../domain/index.ts"
import { EventStore } from "../../infra/eventstore/EventStore.ts"
import { Api } from "../api/Api.ts"
import { exportMarkdown } from "./exportMarkdown.ts"
import { answer } from "./failAs.ts"
import { loggedEventView, messagesView, sessionView } from "./views.ts"


const rfc5987 = (s: string) => encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/** An export is a file named after the session: an ASCII name for every client, the exact one (RFC 6266) for those that read it. */
const attachment = (name: string, extension: string) => {
  const ascii = name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "session"
  return {
    "content-disposition": `attachment; filename="${ascii}.${extension}"; filename*=UTF-8''${rfc5987(`${name}.${extension}`)}`
  }
}

export const AuditLive = HttpApiBuilder.group(Api, "audit", (handlers) =>
  Effect.gen(function* () {
    const sessions = yield* SessionService
    const store = yield* EventStore

    /** The log is kept for deleted sessions too: only a stream that never existed is unknown. */
    const requireStream = (id: SessionId) =>
      Effect.flatMap(store.streamVersion(streamIdOfSession(id)), (v) =>
        v > 0 ? Effect.succeed(v) : Effect.fail(new SessionNotFound({ session_id: id }))
      )

    const at = (id: SessionId, version?: number) =>
      Effect.gen(function* () {
        const current = yield* sessions.get(id)
        const { state, version: v } =
          version === undefined || version >= current.version ? current : yield* sessions.stateAt(id, version)
        return { session: sessionView(state, v), messages: messagesView(id, state), version: v }
      })

    return handlers
      .handle("events", ({ path, request, urlParams }) =>
        answer(
          Effect.gen(function* () {
            yield* requireStream(path.id)
            const events = (yield* store.readStream(streamIdOfSession(path.id), { after: urlParams.after ?? 0 })).map(loggedEventView)
            const accept = request.headers["accept"] ?? ""
            if (!accept.includes("application/x-ndjson")) return events
            const body = events.map((e) => JSON.stringify(e) + "\n").join("")
            return HttpServerResponse.text(body, { contentType: "application/x-ndjson" })
          })
        )
      )
      .handle("state", ({ path, urlParams }) => answer(at(path.id, urlParams.version)))
      .handle("export", ({ path, urlParams }) =>
        answer(
          Effect.map(at(path.id), ({ messages, session, version }) =>
            urlParams.format === "json"
              ? HttpServerResponse.unsafeJson({ session, messages, version }, { headers: attachment(session.name, "json") })
              : HttpServerResponse.text(exportMarkdown(session, messages), {
                contentType: "text/markdown; charset=utf-8",
                headers: attachment(session.name, "md")
              })
          )
        )
      )
  })
)
