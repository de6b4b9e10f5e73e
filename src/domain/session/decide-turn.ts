import { Either } from "effect"
import type { SessionCommandOf } from "./commands.ts"
import { DeltaOffsetMismatch, NotContinuable, ToolCallAlreadyRequested, ToolCallNotFound, ToolResultAlreadyRecorded, type SessionError } from "./errors.ts"
import {
  AssistantMessageCancelled, AssistantMessageCompleted, AssistantMessageFailed, AssistantMessageInterrupted,
  AssistantMessageContinued, CancelRequested, ReasoningDelta, TextDelta, ToolCallRequested, ToolResultRecorded, UserMessagePosted,
  type SessionEvent
} from "./events.ts"
import { requireContent, requireIdle, requireLive, requireNewIds, requireOpen } from "./guards.ts"
import { ownerOf, startTurn } from "./startTurn.ts"
import { findMessage, type SessionState } from "./state.ts"
import type { MessageId } from "../ids.ts"

type Decision = Either.Either<ReadonlyArray<SessionEvent>, SessionError>

export const postUserMessage = (command: SessionCommandOf<"PostUserMessage">, state: SessionState): Decision =>
  Either.gen(function* () {
    const { session_id, message_id, assistant_message_id, content, model, owner, at } = command
    yield* requireLive(state, session_id)
    yield* requireIdle(state, session_id)
    yield* requireContent(content)
    yield* requireNewIds(state, [message_id, assistant_message_id])
    return [
      UserMessagePosted.make({ session_id, message_id, content, at }),
      startTurn(state, 1, { session_id, message_id: assistant_message_id, model, owner, at })
    ]
  })

export const startAssistantMessage = (command: SessionCommandOf<"StartAssistantMessage">, state: SessionState): Decision =>
  Either.gen(function* () {
    const { session_id, message_id, model, owner, at } = command
    yield* requireLive(state, session_id)
    yield* requireIdle(state, session_id)
    yield* requireNewIds(state, [message_id])
    return [startTurn(state, 0, { session_id, message_id, model, owner, at })]
  })

export const appendDelta = (
  command: SessionCommandOf<"AppendText" | "AppendReasoning">,
  state: SessionState
): Decision =>
  Either.gen(function* () {
    const { session_id, message_id, offset, text, at } = command
    yield* requireLive(state, session_id)
    const message = yield* requireOpen(state, message_id)
    if (text.length === 0) return []
    const expected = command._tag === "AppendText" ? message.content.length : message.reasoning.length
    if (offset !== expected) return yield* Either.left(new DeltaOffsetMismatch({ message_id, expected, received: offset }))
    const fields = { session_id, message_id, offset, text, at }
    return [command._tag === "AppendText" ? TextDelta.make(fields) : ReasoningDelta.make(fields)]
  })

export const requestToolCall = (command: SessionCommandOf<"RequestToolCall">, state: SessionState): Decision =>
  Either.gen(function* () {
    const { session_id, message_id, tool_call_id, name, args, at } = command
    yield* requireLive(state, session_id)
    const message = yield* requireOpen(state, message_id)
    if (message.tool_calls.some((c) => c.id === tool_call_id)) {
      return yield* Either.left(new ToolCallAlreadyRequested({ tool_call_id }))
    }
    return [ToolCallRequested.make({ session_id, message_id, tool_call_id, name, args, at })]
  })

export const recordToolResult = (command: SessionCommandOf<"RecordToolResult">, state: SessionState): Decision =>
  Either.gen(function* () {
    const { session_id, message_id, tool_call_id, output, truncated, error, at } = command
    yield* requireLive(state, session_id)
    const message = yield* requireOpen(state, message_id)
    if (!message.tool_calls.some((c) => c.id === tool_call_id)) return yield* Either.left(new ToolCallNotFound({ tool_call_id }))
    if (message.tool_results.some((r) => r.tool_call_id === tool_call_id)) {
      return yield* Either.left(new ToolResultAlreadyRecorded({ tool_call_id }))
    }
    const base = { session_id, message_id, tool_call_id, output, truncated, at }
    return [ToolResultRecorded.make(error === undefined ? base : { ...base, error })]
  })

export const completeMessage = (command: SessionCommandOf<"CompleteMessage">, state: SessionState): Decision =>
  Either.gen(function* () {
    const { session_id, message_id, model, finish_reason, usage, ctx_used, ctx_max, timings, at } = command
    yield* requireLive(state, session_id)
    yield* requireOpen(state, message_id)
    return [AssistantMessageCompleted.make({
      session_id, message_id, ...(model === undefined ? {} : { model }), finish_reason, usage, ctx_used, ctx_max, timings, at
    })]
  })

export const failMessage = (command: SessionCommandOf<"FailMessage">, state: SessionState): Decision =>
  Either.gen(function* () {
    const { session_id, message_id, error, at } = command
    yield* requireLive(state, session_id)
    yield* requireOpen(state, message_id)
    return [AssistantMessageFailed.make({ session_id, message_id, error, at })]
  })

/** Why the message cannot go on, or undefined when it can: the last answer, stopped short, with no turn running. */
const notContinuable = (state: SessionState, message_id: MessageId): string | undefined => {
  const message = findMessage(state, message_id)
  if (message === undefined) return "there is no such message in this session"
  if (message.role !== "assistant") return "only an assistant's answer can be continued"
  if (state.messages[state.messages.length - 1]?.id !== message_id) return "only the last answer can be continued"
  if (message.status === "interrupted" || message.status === "cancelled") return undefined
  if (message.status === "failed") return message.content === "" ? "it failed before writing any text; regenerate it instead" : undefined
  if (message.status === "complete") return message.finish_reason === "length" ? undefined : "it is complete (it did not stop at the length limit)"
  return "it is still being written"
}

/** Opens a stopped answer again; its text goes on from its current length. */
export const continueMessage = (command: SessionCommandOf<"ContinueMessage">, state: SessionState): Decision =>
  Either.gen(function* () {
    const { session_id, message_id, owner, at } = command
    yield* requireLive(state, session_id)
    yield* requireIdle(state, session_id)
    const reason = notContinuable(state, message_id)
    if (reason !== undefined) return yield* Either.left(new NotContinuable({ message_id, reason }))
    return [AssistantMessageContinued.make({ session_id, message_id, ...ownerOf(state, 0, owner), at })]
  })

/** A cancel for the instance that runs the turn; nothing when that message is no longer open. */
export const requestCancel = (command: SessionCommandOf<"RequestCancel">, state: SessionState): Decision =>
  Either.gen(function* () {
    const { session_id, message_id, at } = command
    yield* requireLive(state, session_id)
    if (state.open_message_id !== message_id) return []
    return [CancelRequested.make({ session_id, message_id, at })]
  })

/** Cancel and interrupt are harmless when that message is no longer open: no events. */
export const stopMessage = (
  command: SessionCommandOf<"CancelMessage" | "InterruptMessage">,
  state: SessionState
): Decision =>
  Either.gen(function* () {
    const { session_id, message_id, at } = command
    yield* requireLive(state, session_id)
    if (state.open_message_id !== message_id) return []
    return [
      command._tag === "CancelMessage"
        ? AssistantMessageCancelled.make({ session_id, message_id, at })
        : AssistantMessageInterrupted.make({ session_id, message_id, reason: command.reason, at })
    ]
  })
