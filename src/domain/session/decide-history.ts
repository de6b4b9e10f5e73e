import { Either } from "effect"
import type { MessageId } from "../ids.ts"
import type { SessionCommandOf } from "./commands.ts"
import { AlternativeNotFound, MessageNotFound, type SessionError } from "./errors.ts"
import { AlternativeSelected, MessagesDeleted, MessagesSetAside, UserMessagePosted, type SessionEvent } from "./events.ts"
import { requireContent, requireIdle, requireLive, requireMessage, requireNewIds } from "./guards.ts"
import { startTurn } from "./startTurn.ts"
import { messageIdsFrom, type SessionState } from "./state.ts"

type Decision = Either.Either<ReadonlyArray<SessionEvent>, SessionError>

const idsFrom = (state: SessionState, message_id: MessageId): Either.Either<ReadonlyArray<MessageId>, MessageNotFound> => {
  const ids = messageIdsFrom(state, message_id)
  return ids === undefined ? Either.left(new MessageNotFound({ message_id })) : Either.right(ids)
}

export const deleteMessagesFrom = (command: SessionCommandOf<"DeleteMessagesFrom">, state: SessionState): Decision =>
  Either.gen(function* () {
    const { session_id, message_id, at } = command
    yield* requireLive(state, session_id)
    yield* requireIdle(state, session_id)
    const message_ids = yield* idsFrom(state, message_id)
    return [MessagesDeleted.make({ session_id, message_ids, at })]
  })

export const regenerateFrom = (command: SessionCommandOf<"RegenerateFrom">, state: SessionState): Decision =>
  Either.gen(function* () {
    const { session_id, message_id, assistant_message_id, model, owner, at } = command
    yield* requireLive(state, session_id)
    yield* requireIdle(state, session_id)
    yield* requireMessage(state, message_id, "assistant")
    yield* requireNewIds(state, [assistant_message_id])
    const message_ids = yield* idsFrom(state, message_id)
    const before = state.messages[state.messages.length - message_ids.length - 1]
    // The first message of a session has nothing to hang alternatives on: it is replaced.
    const aside = before === undefined
      ? MessagesDeleted.make({ session_id, message_ids, at })
      : MessagesSetAside.make({
        session_id, after: before.id, message_ids, at,
        count: (state.alternatives.find((a) => a.after === before.id)?.tails.length ?? 1) + 1
      })
    return [aside, startTurn(state, 1, { session_id, message_id: assistant_message_id, model, owner, at })]
  })

/** Shows alternative `index` of the answers after the message before `message_id` (any message of the shown ones). */
export const selectAlternative = (command: SessionCommandOf<"SelectAlternative">, state: SessionState): Decision =>
  Either.gen(function* () {
    const { session_id, message_id, index, at } = command
    yield* requireLive(state, session_id)
    yield* requireIdle(state, session_id)
    const position = state.messages.findIndex((m) => m.id === message_id)
    if (position < 0) return yield* Either.left(new MessageNotFound({ message_id }))
    const before = state.messages[position - 1]
    const kept = before === undefined ? undefined : state.alternatives.find((a) => a.after === before.id)
    const count = kept?.tails.length ?? 1
    if (!Number.isInteger(index) || index < 0 || index >= count)
      return yield* Either.left(new AlternativeNotFound({ message_id, index, count }))
    if (kept === undefined || index === kept.active) return []
    return [AlternativeSelected.make({
      session_id, after: kept.after, index, count, at,
      shown: kept.tails[index].map((m) => m.id),
      hidden: state.messages.slice(position).map((m) => m.id)
    })]
  })

export const editUserMessage = (command: SessionCommandOf<"EditUserMessage">, state: SessionState): Decision =>
  Either.gen(function* () {
    const { session_id, message_id, new_message_id, assistant_message_id, content, model, owner, at } = command
    yield* requireLive(state, session_id)
    yield* requireIdle(state, session_id)
    yield* requireMessage(state, message_id, "user")
    yield* requireContent(content)
    yield* requireNewIds(state, [new_message_id, assistant_message_id])
    const message_ids = yield* idsFrom(state, message_id)
    return [
      MessagesDeleted.make({ session_id, message_ids, at }),
      UserMessagePosted.make({ session_id, message_id: new_message_id, content, at }),
      startTurn(state, 2, { session_id, message_id: assistant_message_id, model, owner, at })
    ]
  })
