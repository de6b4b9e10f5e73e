import type { Either } from "effect"
import type { SessionCommand } from "./commands.ts"
import type { SessionError } from "./errors.ts"
import type { SessionEvent } from "./events.ts"
import { deleteMessagesFrom, editUserMessage, regenerateFrom, selectAlternative } from "./decide-history.ts"
import { changeSettings, createSession, deleteSession, forkSession, renameSession } from "./decide-session.ts"
import {
  appendDelta, completeMessage, continueMessage, failMessage, postUserMessage, recordToolResult, requestCancel, requestToolCall, startAssistantMessage,
  stopMessage
} from "./decide-turn.ts"
import type { SessionState } from "./state.ts"

export const decide = (
  command: SessionCommand,
  state: SessionState
): Either.Either<ReadonlyArray<SessionEvent>, SessionError> => {
  switch (command._tag) {
    case "CreateSession": return createSession(command, state)
    case "ForkSession": return forkSession(command, state)
    case "RenameSession": return renameSession(command, state)
    case "ChangeSessionSettings": return changeSettings(command, state)
    case "DeleteSession": return deleteSession(command, state)
    case "PostUserMessage": return postUserMessage(command, state)
    case "StartAssistantMessage": return startAssistantMessage(command, state)
    case "AppendText":
    case "AppendReasoning": return appendDelta(command, state)
    case "RequestToolCall": return requestToolCall(command, state)
    case "RecordToolResult": return recordToolResult(command, state)
    case "CompleteMessage": return completeMessage(command, state)
    case "FailMessage": return failMessage(command, state)
    case "ContinueMessage": return continueMessage(command, state)
    case "RequestCancel": return requestCancel(command, state)
    case "CancelMessage":
    case "InterruptMessage": return stopMessage(command, state)
    case "DeleteMessagesFrom": return deleteMessagesFrom(command, state)
    case "RegenerateFrom": return regenerateFrom(command, state)
    case "EditUserMessage": return editUserMessage(command, state)
    case "SelectAlternative": return selectAlternative(command, state)
  }
}
