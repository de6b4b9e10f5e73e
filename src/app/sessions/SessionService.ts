import { Context, Effect, Layer, Option } from "effect"
import { randomUUID } from "node:crypto"
import {
  type GenerationSettings, MessageId, ProjectId, ProjectNotFound, SessionId, SessionNotFound
} from "../../domain/index.ts"
import type { CommandKey } from "../../infra/eventstore/model.ts"
import { ProjectRepository } from "../../infra/repositories/ProjectRepository.ts"
import { SessionRepository } from "../../infra/repositories/SessionRepository.ts"
import { nowIso } from "../now.ts"
import { TurnRunner } from "../turns/TurnRunner.ts"

export const DEFAULT_SESSION_NAME = "New session"

const newMessageId = () => MessageId.make(randomUUID())

const make = Effect.gen(function* () {
  const sessions = yield* SessionRepository
  const projects = yield* ProjectRepository
  const turns = yield* TurnRunner

  const requireProject = (projectId: ProjectId) =>
    Effect.flatMap(projects.load(projectId), ({ state }) =>
      state.exists && !state.removed ? Effect.succeed(state) : Effect.fail(new ProjectNotFound({ project_id: projectId }))
    )

  /** The session as it stands, or SessionNotFound (also for a deleted one). */
  const get = Effect.fn("Sessions.get")(function* (sessionId: SessionId) {
    const loaded = yield* sessions.load(sessionId)
    if (!loaded.state.exists || loaded.state.deleted) return yield* new SessionNotFound({ session_id: sessionId })
    return loaded
  })

  const create = Effect.fn("Sessions.create")(function* (input: {
    readonly project_id: ProjectId
    readonly name?: string | null
    readonly model?: string | null
    readonly system_prompt?: string | null
  }) {
    yield* requireProject(input.project_id)
    const sessionId = SessionId.make(randomUUID())
    const at = yield* nowIso
    yield* sessions.execute(sessionId, () => ({
      _tag: "CreateSession" as const,
      session_id: sessionId,
      project_id: input.project_id,
      name: input.name ?? DEFAULT_SESSION_NAME,
      model: input.model ?? null,
      system_prompt: input.system_prompt ?? "",
      at
    }))
    // A name given at creation is the user's: auto-naming must not replace it.
    if (input.name != null)
      yield* sessions.execute(sessionId, () => ({
        _tag: "RenameSession" as const, session_id: sessionId, name: input.name ?? "", by: "user" as const, at
      }))
    return yield* get(sessionId)
  })

  const update = Effect.fn("Sessions.update")(function* (
    sessionId: SessionId,
    patch: {
      readonly name?: string
      readonly model?: string | null
      readonly system_prompt?: string
      readonly generation?: GenerationSettings
    }
  ) {
    yield* get(sessionId)
    const at = yield* nowIso
    if (patch.name !== undefined) {
      const name = patch.name
      yield* sessions.execute(sessionId, () => ({ _tag: "RenameSession" as const, session_id: sessionId, name, by: "user" as const, at }))
    }
    if (patch.model !== undefined || patch.system_prompt !== undefined || patch.generation !== undefined)
      yield* sessions.execute(sessionId, () => ({
        _tag: "ChangeSessionSettings" as const,
        session_id: sessionId,
        ...(patch.model === undefined ? {} : { model: patch.model }),
        ...(patch.system_prompt === undefined ? {} : { system_prompt: patch.system_prompt }),
        ...(patch.generation === undefined ? {} : { generation: patch.generation }),
        at
      }))
    return yield* get(sessionId)
  })

  const remove = Effect.fn("Sessions.delete")(function* (sessionId: SessionId) {
    yield* get(sessionId)
    yield* turns.cancel(sessionId)
    const at = yield* nowIso
    yield* sessions.execute(sessionId, () => ({ _tag: "DeleteSession" as const, session_id: sessionId, at }))
  })

  const postMessage = Effect.fn("Sessions.postMessage")(function* (
    sessionId: SessionId,
    content: string,
    key?: CommandKey
  ) {
    yield* get(sessionId)
    const userId = newMessageId()
    const assistantId = newMessageId()
    const at = yield* nowIso
    const result = yield* sessions.execute(
      sessionId,
      (state) => ({
        _tag: "PostUserMessage" as const,
        session_id: sessionId,
        message_id: userId,
        assistant_message_id: assistantId,
        content,
        model: state.model,
        owner: turns.claim,
        at
      }),
      key
    )
    let posted: MessageId | undefined
    let started: MessageId | undefined
    for (const event of result.events) {
      if (event._tag === "UserMessagePosted") posted = event.message_id
      if (event._tag === "AssistantMessageStarted") started = event.message_id
    }
    if (posted === undefined || started === undefined) return yield* Effect.dieMessage("PostUserMessage appended no message")
    if (!result.duplicate) yield* turns.start(sessionId, started)
    return {
      user_message_id: posted,
      assistant_message_id: started,
      version: result.from_version + result.events.length - 1,
      duplicate: result.duplicate
    }
  })

  const cancel = Effect.fn("Sessions.cancel")(function* (sessionId: SessionId) {
    yield* get(sessionId)
    return yield* turns.cancel(sessionId)
  })

  const regenerate = Effect.fn("Sessions.regenerate")(function* (sessionId: SessionId, messageId: MessageId) {
    yield* get(sessionId)
    const assistantId = newMessageId()
    const at = yield* nowIso
    const result = yield* sessions.execute(sessionId, (state) => ({
      _tag: "RegenerateFrom" as const, session_id: sessionId, message_id: messageId, assistant_message_id: assistantId,
      model: state.model, owner: turns.claim, at
    }))
    yield* turns.start(sessionId, assistantId)
    return { assistant_message_id: assistantId, version: result.version }
  })

  /** The last answer goes on where it stopped, in the same message. */
  const continueAnswer = Effect.fn("Sessions.continue")(function* (sessionId: SessionId, messageId: MessageId) {
    yield* get(sessionId)
    const at = yield* nowIso
    const result = yield* sessions.execute(sessionId, () => ({
      _tag: "ContinueMessage" as const, session_id: sessionId, message_id: messageId, owner: turns.claim, at
    }))
    yield* turns.start(sessionId, messageId)
    return { assistant_message_id: messageId, version: result.version }
  })

  const edit = Effect.fn("Sessions.edit")(function* (sessionId: SessionId, messageId: MessageId, content: string) {
    yield* get(sessionId)
    const userId = newMessageId()
    const assistantId = newMessageId()
    const at = yield* nowIso
    const result = yield* sessions.execute(sessionId, (state) => ({
      _tag: "EditUserMessage" as const, session_id: sessionId, message_id: messageId, new_message_id: userId,
      assistant_message_id: assistantId, content, model: state.model, owner: turns.claim, at
    }))
    yield* turns.start(sessionId, assistantId)
    return { user_message_id: userId, assistant_message_id: assistantId, version: result.version }
  })

  const deleteFrom = Effect.fn("Sessions.deleteFrom")(function* (sessionId: SessionId, messageId: MessageId) {
    yield* get(sessionId)
    const at = yield* nowIso
    const result = yield* sessions.execute(sessionId, () => ({
      _tag: "DeleteMessagesFrom" as const, session_id: sessionId, message_id: messageId, at
    }))
    return { version: result.version }
  })

  /** Shows alternative `index` of the answers that `messageId` is one of. */
  const selectAlternative = Effect.fn("Sessions.selectAlternative")(function* (sessionId: SessionId, messageId: MessageId, index: number) {
    yield* get(sessionId)
    const at = yield* nowIso
    const result = yield* sessions.execute(sessionId, () => ({
      _tag: "SelectAlternative" as const, session_id: sessionId, message_id: messageId, index, at
    }))
    return { version: result.version }
  })

  const fork = Effect.fn("Sessions.fork")(function* (sessionId: SessionId, messageId: MessageId) {
    const source = yield* get(sessionId)
    const index = source.state.messages.findIndex((m) => m.id === messageId)
    const forkId = SessionId.make(randomUUID())
    const at = yield* nowIso
    const projectId = Option.getOrThrow(Option.fromNullable(source.state.project_id))
    yield* sessions.execute(forkId, () => ({
      _tag: "ForkSession" as const,
      session_id: forkId,
      project_id: projectId,
      name: `${source.state.name} (fork)`.slice(0, 120),
      model: source.state.model,
      system_prompt: source.state.system_prompt,
      generation: source.state.generation,
      source_session_id: sessionId,
      source_version: source.version,
      message_id: messageId,
      messages: index < 0 ? [] : source.state.messages.slice(0, index + 1),
      at
    }))
    return yield* get(forkId)
  })

  /** The session as it was at `version` (folded from the log up to there). */
  const stateAt = Effect.fn("Sessions.stateAt")(function* (sessionId: SessionId, version: number) {
    yield* get(sessionId)
    return yield* sessions.loadAt(sessionId, version)
  })

  return {
    get, create, update, remove, postMessage, cancel, regenerate, continueAnswer, edit, deleteFrom, selectAlternative, fork, stateAt
  }
})

export class SessionService extends Context.Tag("SessionService")<SessionService, Effect.Effect.Success<typeof make>>() {
  static readonly layer = Layer.effect(SessionService, make)
}
