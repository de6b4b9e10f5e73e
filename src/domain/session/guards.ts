import { Either } from "effect"
import type { MessageId, SessionId } from "../ids.ts"
import type { MessageRole, MessageSnapshot } from "./message.ts"
import {
  EmptyMessage, MessageAlreadyExists, MessageNotFound, MessageNotOpen, SessionBusy, SessionNotFound, WrongMessageRole
} from "./errors.ts"
import { allMessageIds, findMessage, type SessionState } from "./state.ts"

const ok = Either.right(undefined)

export const requireLive = (state: SessionState, session_id: SessionId): Either.Either<void, SessionNotFound> =>
  state.exists && !state.deleted ? ok : Either.left(new SessionNotFound({ session_id }))

export const requireIdle = (state: SessionState, session_id: SessionId): Either.Either<void, SessionBusy> =>
  state.open_message_id === null ? ok : Either.left(new SessionBusy({ session_id, open_message_id: state.open_message_id }))

export const requireContent = (content: string): Either.Either<void, EmptyMessage> =>
  content.trim().length > 0 ? ok : Either.left(new EmptyMessage())

/** Every id must be new in the session and distinct from the others. */
export const requireNewIds = (
  state: SessionState,
  ids: ReadonlyArray<MessageId>
): Either.Either<void, MessageAlreadyExists> => {
  const seen = allMessageIds(state)
  for (const id of ids) {
    if (seen.has(id)) return Either.left(new MessageAlreadyExists({ message_id: id }))
    seen.add(id)
  }
  return ok
}

export const requireMessage = (
  state: SessionState,
  message_id: MessageId,
  role: MessageRole
): Either.Either<MessageSnapshot, MessageNotFound | WrongMessageRole> => {
  const message = findMessage(state, message_id)
  if (message === undefined) return Either.left(new MessageNotFound({ message_id }))
  return message.role === role ? Either.right(message) : Either.left(new WrongMessageRole({ message_id, expected: role }))
}

export const requireOpen = (
  state: SessionState,
  message_id: MessageId
): Either.Either<MessageSnapshot, MessageNotOpen> => {
  const message = state.open_message_id === message_id ? findMessage(state, message_id) : undefined
  return message === undefined ? Either.left(new MessageNotOpen({ message_id })) : Either.right(message)
}
