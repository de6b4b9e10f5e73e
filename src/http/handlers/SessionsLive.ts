import { HttpApiBuilder } from "@effect/platform"
import { Effect, Option } from "effect"
import { SessionService } from "../../app/sessions/SessionService.ts"
import type { SessionId } from "../../domain/index.ts"
import { LiveHub } from "../../infra/live/LiveHub.ts"
import { Api } from "../api/Api.ts"
import { answer, answerCommand } from "./failAs.ts"
import { messagesView, sessionView } from "./views.ts"

export const SessionsLive = HttpApiBuilder.group(Api, "sessions", (handlers) =>
  Effect.gen(function* () {
    const sessions = yield* SessionService
    const hub = yield* LiveHub

    /** The session now: the streaming message's text includes what is not yet persisted. */
    const detail = (id: SessionId) =>
      Effect.gen(function* () {
        const { state, version } = yield* sessions.get(id)
        const live = Option.getOrUndefined(yield* hub.inFlight(id))
        return { session: sessionView(state, version), messages: messagesView(id, state, live), version }
      })

    return handlers
      .handle("get", ({ path }) => answerCommand(detail(path.id)))
      .handle("update", ({ path, payload }) =>
        answerCommand(Effect.map(sessions.update(path.id, payload), ({ state, version }) => sessionView(state, version)))
      )
      .handle("remove", ({ path }) => answerCommand(sessions.remove(path.id)))
      .handle("post", ({ headers, path, payload }) => {
        const keyId = headers["idempotency-key"] ?? payload.client_request_id
        const key = keyId === undefined ? undefined : { id: `${path.id}:${keyId}`, payload: { content: payload.content } }
        return answer(
          Effect.map(sessions.postMessage(path.id, payload.content, key), (r) => ({
            user_message_id: r.user_message_id,
            assistant_message_id: r.assistant_message_id,
            version: r.version
          }))
        )
      })
      .handle("cancel", ({ path }) => answerCommand(Effect.map(sessions.cancel(path.id), (cancelled) => ({ cancelled }))))
      .handle("regenerate", ({ path }) => answerCommand(sessions.regenerate(path.id, path.message_id)))
      .handle("continue", ({ path }) => answerCommand(sessions.continueAnswer(path.id, path.message_id)))
      .handle("edit", ({ path, payload }) => answerCommand(sessions.edit(path.id, path.message_id, payload.content)))
      .handle("deleteFrom", ({ path }) => answerCommand(sessions.deleteFrom(path.id, path.message_id)))
      .handle("select", ({ path, payload }) =>
        answerCommand(Effect.zipRight(sessions.selectAlternative(path.id, path.message_id, payload.index), detail(path.id)))
      )
      .handle("fork", ({ path, payload }) =>
        answerCommand(Effect.flatMap(sessions.fork(path.id, payload.message_id), ({ state }) => detail(state.session_id ?? path.id)))
      )
  })
)
