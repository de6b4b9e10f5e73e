import { Either } from "effect"
import type { MessageId } from "../ids.ts"
import type { SessionCommandOf } from "./commands.ts"
import { MessageNotFound, type SessionError } from "./errors.ts"
import { MessagesDeleted, UserMessagePosted, type SessionEvent } from "./events.ts"
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
    return [
      MessagesDeleted.make({ session_id, message_ids, at }),
      startTurn(state, 1, { session_id, message_id: assistant_message_id, model, owner, at })
    ]
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
