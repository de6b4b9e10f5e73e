import { Either } from "effect"
import { normalizeName } from "../name.ts"
import type { SessionCommandOf } from "./commands.ts"
import { MessageNotFound, SessionAlreadyExists, type SessionError } from "./errors.ts"
import { MessagesCopied, SessionCreated, SessionDeleted, SessionRenamed, SessionSettingsChanged, type SessionEvent } from "./events.ts"
import { requireLive } from "./guards.ts"
import { defaultGeneration, type GenerationSettings, type MessageSnapshot } from "./message.ts"
import type { SessionState } from "./state.ts"

type Decision = Either.Either<ReadonlyArray<SessionEvent>, SessionError>

export const createSession = (command: SessionCommandOf<"CreateSession">, state: SessionState): Decision =>
  Either.gen(function* () {
    if (state.exists) return yield* Either.left(new SessionAlreadyExists({ session_id: command.session_id }))
    const name = yield* normalizeName(command.name)
    const { session_id, project_id, model, system_prompt, at } = command
    return [SessionCreated.make({ session_id, project_id, name, model, system_prompt, at })]
  })

/** A message still streaming in the source cannot stream in the fork: it is copied as interrupted. */
const settle = (message: MessageSnapshot, at: string): MessageSnapshot =>
  message.status !== "streaming" ? message : {
    ...message, status: "interrupted", error: { code: "interrupted", message: "copied into a fork while streaming" },
    finished_at: at
  }

export const forkSession = (command: SessionCommandOf<"ForkSession">, state: SessionState): Decision =>
  Either.gen(function* () {
    if (state.exists) return yield* Either.left(new SessionAlreadyExists({ session_id: command.session_id }))
    const name = yield* normalizeName(command.name)
    const last = command.messages[command.messages.length - 1]
    if (last === undefined || last.id !== command.message_id) {
      return yield* Either.left(new MessageNotFound({ message_id: command.message_id }))
    }
    const { session_id, project_id, model, system_prompt, at } = command
    const forked_from = { session_id: command.source_session_id, version: command.source_version, message_id: last.id }
    const generation = command.generation
    return [
      SessionCreated.make({ session_id, project_id, name, model, system_prompt, forked_from, at }),
      MessagesCopied.make({ session_id, messages: command.messages.map((m) => settle(m, at)), at }),
      ...(generation === undefined || sameGeneration(generation, defaultGeneration)
        ? []
        : [SessionSettingsChanged.make({ session_id, generation, at })])
    ]
  })

export const renameSession = (command: SessionCommandOf<"RenameSession">, state: SessionState): Decision =>
  Either.gen(function* () {
    yield* requireLive(state, command.session_id)
    const name = yield* normalizeName(command.name)
    if (command.by === "auto" && state.name_by === "user") return []
    if (name === state.name && command.by === state.name_by) return []
    return [SessionRenamed.make({ session_id: command.session_id, name, by: command.by, at: command.at })]
  })

const sameGeneration = (a: GenerationSettings, b: GenerationSettings) =>
  a.temperature === b.temperature && a.top_p === b.top_p && a.max_tokens === b.max_tokens &&
  JSON.stringify(a.extra) === JSON.stringify(b.extra)

export const changeSettings = (command: SessionCommandOf<"ChangeSessionSettings">, state: SessionState): Decision =>
  Either.gen(function* () {
    yield* requireLive(state, command.session_id)
    const model = command.model !== undefined && command.model !== state.model ? command.model : undefined
    const prompt = command.system_prompt !== undefined && command.system_prompt !== state.system_prompt
      ? command.system_prompt
      : undefined
    const generation = command.generation !== undefined && !sameGeneration(command.generation, state.generation)
      ? command.generation
      : undefined
    if (model === undefined && prompt === undefined && generation === undefined) return []
    return [SessionSettingsChanged.make({
      session_id: command.session_id,
      ...(model === undefined ? {} : { model }),
      ...(prompt === undefined ? {} : { system_prompt: prompt }),
      ...(generation === undefined ? {} : { generation }),
      at: command.at
    })]
  })

export const deleteSession = (command: SessionCommandOf<"DeleteSession">, state: SessionState): Decision =>
  Either.map(requireLive(state, command.session_id), () => [
    SessionDeleted.make({ session_id: command.session_id, at: command.at })
  ])
