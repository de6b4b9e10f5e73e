import { Cause, Effect, Exit, Schedule, Stream } from "effect"
import { type MessageId, type SessionId, ToolCallId } from "../../domain/index.ts"
import type { LlmClient, Usage } from "../../infra/llm/index.ts"
import type { LiveHub } from "../../infra/live/LiveHub.ts"
import type { ProjectRepository } from "../../infra/repositories/ProjectRepository.ts"
import type { SessionRepository } from "../../infra/repositories/SessionRepository.ts"
import type { Tools } from "../../infra/tools/Tools.ts"
import { nowIso } from "../now.ts"
import { basePrompt, fitToContext, historyMessages, type Round, roundMessages } from "./buildPrompt.ts"
import { type DeltaBatcher, makeDeltaBatcher } from "./DeltaBatcher.ts"
import { makeIdAllocator, makeRepeatGuard, runTools, toolMessageContent } from "./runTools.ts"
import type { TurnConfig } from "./TurnConfig.ts"
import { TurnFailure } from "./TurnFailure.ts"

export interface TurnDeps {
  readonly sessions: typeof SessionRepository.Service
  readonly projects: typeof ProjectRepository.Service
  readonly llm: typeof LlmClient.Service
  readonly tools: typeof Tools.Service
  readonly hub: typeof LiveHub.Service
  readonly config: TurnConfig
}

/** How a turn that was interrupted is recorded: a user's cancel, or the server stopping. */
export type StopReason = "cancel" | "shutdown"

/** Tokens kept free for the answer when fitting the prompt into the context. */
const ANSWER_RESERVE = 1024

interface Completion {
  readonly text: string
  readonly calls: ReadonlyArray<{ readonly id: string; readonly name: string; readonly arguments: string }>
  readonly finish_reason: string
  readonly usage: Usage | null
  readonly timings: Readonly<Record<string, number>> | null
}

const streamCompletion = (
  deps: TurnDeps,
  batcher: DeltaBatcher,
  ids: { readonly sessionId: SessionId; readonly messageId: MessageId },
  request: Parameters<TurnDeps["llm"]["streamChat"]>[0]
) =>
  Effect.gen(function* () {
    let text = ""
    let calls: Completion["calls"] = []
    let finish: Pick<Completion, "finish_reason" | "usage" | "timings"> = { finish_reason: "stop", usage: null, timings: null }
    // The live readers and the log see the same pieces: buffering and publishing happen together.
    const live = (kind: "text" | "reasoning", piece: string) =>
      batcher.add(kind, piece, (offset) =>
        deps.hub.publish({ session_id: ids.sessionId, message_id: ids.messageId, kind, offset, text: piece })
      )
    yield* deps.llm.streamChat(request).pipe(
      Stream.runForEach((event) => {
        switch (event._tag) {
          case "TextDelta":
            text += event.text
            return live("text", event.text)
          case "ReasoningDelta":
            return live("reasoning", event.text)
          case "ToolCalls":
            calls = event.calls
            return Effect.void
          case "Finished":
            finish = event
            return Effect.void
        }
      })
    )
    const completion: Completion = { text, calls, ...finish }
    return completion
  })

/** Streams one assistant message to its end: completions and tool rounds, every step appended to the log. */
export const runTurn = (deps: TurnDeps, sessionId: SessionId, messageId: MessageId, stopReason: () => StopReason) =>
  Effect.gen(function* () {
    const { sessions, projects, llm, tools, hub, config } = deps
    const { state } = yield* sessions.load(sessionId)
    const index = state.messages.findIndex((m) => m.id === messageId)
    if (index < 0 || state.open_message_id !== messageId || state.project_id === null) return
    const project = (yield* projects.load(state.project_id)).state
    const model = state.messages[index].model ?? state.model
    const ctxMax = yield* llm.contextSize(model)
    const batcher = yield* makeDeltaBatcher(sessions, sessionId, messageId, config.flushChars)
    yield* hub.begin(sessionId, messageId)
    yield* Effect.addFinalizer(() => hub.end(sessionId))

    const append = (command: Parameters<typeof sessions.execute>[1]) =>
      sessions.execute(sessionId, command).pipe(Effect.asVoid)

    const close = (exit: Exit.Exit<void, unknown>) =>
      Effect.gen(function* () {
        yield* batcher.flush.pipe(Effect.catchAllCause((cause) => Effect.logError("final flush failed", cause)))
        const at = yield* nowIso
        if (Exit.isSuccess(exit)) return
        if (Exit.isInterrupted(exit)) {
          return yield* stopReason() === "cancel"
            ? append(() => ({ _tag: "CancelMessage", session_id: sessionId, message_id: messageId, at }))
            : append(() => ({
              _tag: "InterruptMessage", session_id: sessionId, message_id: messageId, at,
              reason: "the server stopped while this answer was being written"
            }))
        }
        const failure = Exit.isFailure(exit) ? describeFailure(exit.cause) : { code: "internal", message: "unknown" }
        yield* Effect.logWarning(`turn ${messageId} failed: ${failure.code}: ${failure.message}`)
        yield* append(() => ({ _tag: "FailMessage", session_id: sessionId, message_id: messageId, error: failure, at }))
      }).pipe(Effect.catchAllCause((cause) => Effect.logError(`could not record the end of turn ${messageId}`, cause)))

    const system = [basePrompt(project.name, project.path), state.system_prompt.trim()].filter((s) => s !== "").join("\n\n")
    const history = historyMessages(state.messages.slice(0, index))
    const rounds: Array<Round> = []
    const repeated = makeRepeatGuard(config.maxRepeatedCalls)
    const allocateId = makeIdAllocator(state.messages[index].tool_calls.map((c) => c.id))
    let completionTokens = 0

    const loop = Effect.gen(function* () {
      for (let round = 1; ; round++) {
        const prompt = fitToContext([{ role: "system", content: system }, ...history, ...roundMessages(rounds)], ctxMax, ANSWER_RESERVE)
        if (prompt === null)
          return yield* new TurnFailure({
            code: "context_overflow",
            message: `the conversation no longer fits the model's context (${ctxMax} tokens) even with older tool outputs shortened; start a new session or fork from an earlier message`
          })
        const completion = yield* streamCompletion(deps, batcher, { sessionId, messageId }, {
          model, messages: prompt, tools: tools.definitions
        })
        completionTokens += completion.usage?.completion_tokens ?? 0
        yield* batcher.flush
        if (completion.calls.length === 0) {
          const usage = completion.usage === null ? null : {
            prompt_tokens: completion.usage.prompt_tokens,
            completion_tokens: completionTokens,
            total_tokens: completion.usage.prompt_tokens + completionTokens
          }
          const at = yield* nowIso
          return yield* append(() => ({
            _tag: "CompleteMessage", session_id: sessionId, message_id: messageId, finish_reason: completion.finish_reason,
            usage, ctx_used: completion.usage?.prompt_tokens ?? completion.timings?.prompt_n ?? null, ctx_max: ctxMax,
            timings: completion.timings === null ? null : { ...completion.timings }, at
          }))
        }
        if (round >= config.maxToolRounds)
          return yield* new TurnFailure({
            code: "tool_rounds_exceeded",
            message: `the model was still calling tools after ${config.maxToolRounds} rounds; stopped. Ask a narrower question.`
          })
        const planned = completion.calls.map((c) => ({ id: allocateId(c.id), name: c.name, args: c.arguments }))
        const runaway = planned.find(repeated)
        if (runaway !== undefined)
          return yield* new TurnFailure({
            code: "tool_loop",
            message: `the model called ${runaway.name} with the same arguments ${config.maxRepeatedCalls} times; stopped to avoid a loop`
          })
        for (const call of planned) {
          const at = yield* nowIso
          yield* append(() => ({
            _tag: "RequestToolCall", session_id: sessionId, message_id: messageId, tool_call_id: ToolCallId.make(call.id),
            name: call.name, args: call.args, at
          }))
        }
        const results = yield* runTools(tools, project.path, planned, {
          concurrency: config.toolConcurrency,
          timeout: config.toolTimeout
        })
        for (const { call, outcome } of results) {
          const at = yield* nowIso
          yield* append(() => ({
            _tag: "RecordToolResult", session_id: sessionId, message_id: messageId, tool_call_id: ToolCallId.make(call.id),
            output: outcome.output, truncated: outcome.truncated,
            ...(outcome.error === null ? {} : { error: outcome.error }), at
          }))
        }
        rounds.push({
          text: completion.text,
          calls: planned,
          results: results.map(({ call, outcome }) => ({ tool_call_id: call.id, content: toolMessageContent(outcome) }))
        })
      }
    })

    yield* Effect.forkScoped(batcher.flush.pipe(Effect.repeat(Schedule.spaced(config.flushInterval)), Effect.delay(config.flushInterval)))
    // A failure is recorded by `close`; only defects and interruptions go further.
    yield* loop.pipe(Effect.onExit(close), Effect.catchAll(() => Effect.void))
  }).pipe(Effect.scoped, Effect.withSpan("TurnRunner.run", { attributes: { session: sessionId, message: messageId } }))

const describeFailure = (cause: Cause.Cause<unknown>) => {
  const failure = Cause.failureOption(cause)
  if (failure._tag === "Some") {
    const error = failure.value
    const tag = typeof error === "object" && error !== null && "_tag" in error ? String(error._tag) : "error"
    const message = typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error)
    const code = error instanceof TurnFailure ? error.code : tag
    return { code, message }
  }
  return { code: "internal", message: `internal error: ${Cause.pretty(cause).split("\n")[0]}` }
}

