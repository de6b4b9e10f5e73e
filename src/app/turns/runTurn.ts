import { Cause, Effect, Exit, Stream } from "effect"
import { type MessageId, type SessionId, ToolCallId } from "../../domain/index.ts"
import type { LlmClient, Usage } from "../../infra/llm/index.ts"
import type { LiveHub } from "../../infra/live/LiveHub.ts"
import type { ProjectRepository } from "../../infra/repositories/ProjectRepository.ts"
import type { SessionRepository } from "../../infra/repositories/SessionRepository.ts"
import type { Tools } from "../../infra/tools/Tools.ts"
import { makeStorableStream, toStorable } from "../../domain/storableText.ts"
import { nowIso } from "../now.ts"
import { basePrompt, continuationOf, fitToContext, historyMessages, prefillRequest, type Round, roundMessages } from "./buildPrompt.ts"
import { type DeltaBatcher, makeDeltaBatcher } from "./DeltaBatcher.ts"
import { makeIdAllocator, makeRepeatGuard, runTools, toolMessageContent } from "./runTools.ts"
import type { TurnConfig } from "./TurnConfig.ts"
import { samplingFields } from "./samplingFields.ts"
import { TurnFailure } from "./TurnFailure.ts"
import { makeTurnEnd, type StopReason } from "./turnEnd.ts"
import { typedStorageFailures } from "./storageFailure.ts"

export interface TurnDeps {
  readonly sessions: typeof SessionRepository.Service
  readonly projects: typeof ProjectRepository.Service
  readonly llm: typeof LlmClient.Service
  readonly tools: typeof Tools.Service
  readonly hub: typeof LiveHub.Service
  readonly config: TurnConfig
}

export type { StopReason }

/** Tokens kept free for the answer when fitting the prompt into the context. */
const ANSWER_RESERVE = 1024

interface Completion {
  readonly text: string
  readonly calls: ReadonlyArray<{ readonly id: string; readonly name: string; readonly arguments: string }>
  readonly finish_reason: string
  readonly usage: Usage | null
  readonly timings: Readonly<Record<string, number>> | null
  readonly model: string | null
}

const streamCompletion = (
  deps: TurnDeps,
  batcher: DeltaBatcher,
  /** `after`: the log version the turn's events have reached (live text must not overtake them). */
  ids: { readonly sessionId: SessionId; readonly messageId: MessageId; readonly after: () => number },
  request: Parameters<TurnDeps["llm"]["streamChat"]>[0]
) =>
  Effect.gen(function* () {
    let text = ""
    let calls: Completion["calls"] = []
    let finish: Pick<Completion, "finish_reason" | "usage" | "timings" | "model"> = { finish_reason: "stop", usage: null, timings: null, model: null }
    // What Postgres cannot store becomes U+FFFD here, where the text enters the turn, so the live
    // readers and the log see the same pieces: buffering and publishing happen together.
    const storable = { text: makeStorableStream(), reasoning: makeStorableStream() }
    const publish = (kind: "text" | "reasoning", piece: string) => (offset: number) =>
      deps.hub.publish({ session_id: ids.sessionId, message_id: ids.messageId, kind, offset, text: piece, after: ids.after() })
    const live = (kind: "text" | "reasoning", piece: string) => {
      if (piece === "") return Effect.void
      if (kind === "text") text += piece
      return batcher.add(kind, piece, publish(kind, piece))
    }
    // A high surrogate held back for its pair when no pair came: kept as U+FFFD whatever ended the stream.
    const releaseHeld = Effect.forEach(["reasoning", "text"] as const, (kind) => {
      const piece = storable[kind].end()
      if (piece === "") return Effect.void
      if (kind === "text") text += piece
      return batcher.buffer(kind, piece, publish(kind, piece))
    })
    yield* deps.llm.streamChat(request).pipe(
      Stream.runForEach((event) => {
        switch (event._tag) {
          case "TextDelta":
            return live("text", storable.text.push(event.text))
          case "ReasoningDelta":
            return live("reasoning", storable.reasoning.push(event.text))
          case "ToolCalls":
            calls = event.calls.map((c) => ({ id: toStorable(c.id), name: toStorable(c.name), arguments: toStorable(c.arguments) }))
            return Effect.void
          case "Finished":
            finish = { ...event, finish_reason: toStorable(event.finish_reason), model: event.model === null ? null : toStorable(event.model) }
            return Effect.void
        }
      }),
      Effect.ensuring(releaseHeld)
    )
    const completion: Completion = { text, calls, ...finish }
    return completion
  })

/** Streams one assistant message to its end: completions and tool rounds, every step appended to the log. */
export const runTurn = (deps: TurnDeps, sessionId: SessionId, messageId: MessageId, stopReason: () => StopReason) => {
  // Until the loop's own handlers are in place (a cancel can come while the turn is still loading
  // its session or asking the server its context size), a stop or a failure is recorded from here:
  // nothing is buffered yet. Without this, such a turn stayed open.
  let handled = false
  const early = makeTurnEnd(deps.sessions, sessionId, messageId, { flush: Effect.succeed(undefined) })
  return Effect.gen(function* () {
    const { sessions, projects, llm, tools, hub, config } = deps
    const { state, version: loadedAt } = yield* sessions.load(sessionId)
    const index = state.messages.findIndex((m) => m.id === messageId)
    if (index < 0 || state.open_message_id !== messageId || state.project_id === null) return
    const project = (yield* projects.load(state.project_id)).state
    const message = state.messages[index]
    const model = message.model ?? state.model
    const ctxMax = yield* llm.contextSize(model)
    // A continued answer goes on from the text it has: offsets, live text and the request's prefill.
    const batcher = yield* makeDeltaBatcher(sessions, sessionId, messageId, config.flushChars, {
      text: message.content.length, reasoning: message.reasoning.length
    })
    yield* hub.begin(sessionId, messageId, { text: message.content, reasoning: message.reasoning })
    yield* Effect.addFinalizer(() => hub.end(sessionId))

    // Where the log stands after the turn's own events (its start, tool calls, results).
    let after = loadedAt
    const append = (command: Parameters<typeof sessions.execute>[1]) =>
      typedStorageFailures(sessions.execute(sessionId, command)).pipe(
        Effect.tap((result) => Effect.sync(() => void (after = Math.max(after, result.version)))),
        Effect.asVoid
      )
    const end = makeTurnEnd(sessions, sessionId, messageId, batcher)

    const system = [basePrompt(project.name, project.path), state.system_prompt.trim()].filter((s) => s !== "").join("\n\n")
    const history = historyMessages(state.messages.slice(0, index))
    const continued = continuationOf(message)
    const prefill = prefillRequest(continued.prefill, config.continueStyle)
    const rounds: Array<Round> = []
    const repeated = makeRepeatGuard(config.maxRepeatedCalls)
    const allocateId = makeIdAllocator(message.tool_calls.map((c) => c.id))
    const offered = yield* tools.definitionsFor(project.path)
    let completionTokens = 0

    const loop = Effect.gen(function* () {
      for (let round = 1; ; round++) {
        // The prefill ends the first request only: the round it began is then recorded whole.
        const ending = round === 1 ? prefill : { messages: [], extra: {} }
        const prompt = fitToContext(
          [{ role: "system", content: system }, ...history, ...continued.rounds, ...roundMessages(rounds), ...ending.messages],
          ctxMax,
          ANSWER_RESERVE
        )
        if (prompt === null)
          return yield* new TurnFailure({
            code: "context_overflow",
            message: `the conversation no longer fits the model's context (${ctxMax} tokens) even with older tool outputs shortened; start a new session or fork from an earlier message`
          })
        const completion = yield* streamCompletion(deps, batcher, { sessionId, messageId, after: () => after }, {
          model, messages: prompt, tools: offered, extra: { ...samplingFields(state.generation), ...ending.extra }
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
            ...(completion.model === null ? {} : { model: completion.model }),
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
          text: round === 1 ? continued.prefill + completion.text : completion.text,
          calls: planned,
          results: results.map(({ call, outcome }) => ({ tool_call_id: call.id, content: toolMessageContent(outcome) }))
        })
      }
    })

    // The periodic flush runs beside the loop: when it cannot store the text, the loop (and with it
    // the upstream request) stops, and the end is recorded with what was kept.
    const periodicFlush = batcher.flush.pipe(Effect.delay(config.flushInterval), Effect.forever)
    handled = true
    const exit = yield* Effect.raceFirst(loop, periodicFlush).pipe(
      Effect.onInterrupt(() => Effect.suspend(() => end.stopped(stopReason()))),
      Effect.exit
    )
    if (Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)) yield* end.failed(exit.cause)
  }).pipe(
    Effect.tapErrorCause((cause) => (handled || Cause.isInterruptedOnly(cause) ? Effect.void : early.failed(cause))),
    Effect.onInterrupt(() => Effect.suspend(() => (handled ? Effect.void : early.stopped(stopReason())))),
    Effect.scoped,
    Effect.withSpan("TurnRunner.run", { attributes: { session: sessionId, message: messageId } })
  )
}
