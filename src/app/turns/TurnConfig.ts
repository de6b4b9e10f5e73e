import { Config, Duration } from "effect"
import type { ContinueStyle } from "./buildPrompt.ts"

export interface TurnConfig {
  /** Streamed text is persisted at least this often... */
  readonly flushInterval: Duration.Duration
  /** ...or once this many characters are pending, and always before a terminal event. */
  readonly flushChars: number
  readonly toolConcurrency: number
  readonly toolTimeout: Duration.Duration
  /** Completions per turn; past this, the turn fails instead of looping forever. */
  readonly maxToolRounds: number
  /** The same call (tool and arguments) this many times in one turn ends it. */
  readonly maxRepeatedCalls: number
  readonly autoName: boolean
  /** How a continued answer's request asks the server to go on (see buildPrompt's prefillRequest). */
  readonly continueStyle: ContinueStyle
}

export const TurnConfig: Config.Config<TurnConfig> = Config.all({
  flushInterval: Config.duration("BOOCODE_FLUSH_INTERVAL").pipe(Config.withDefault(Duration.seconds(1))),
  flushChars: Config.integer("BOOCODE_FLUSH_CHARS").pipe(Config.withDefault(2048)),
  toolConcurrency: Config.integer("BOOCODE_TOOL_CONCURRENCY").pipe(Config.withDefault(4)),
  toolTimeout: Config.duration("BOOCODE_TOOL_TIMEOUT").pipe(Config.withDefault(Duration.seconds(30))),
  maxToolRounds: Config.integer("BOOCODE_MAX_TOOL_ROUNDS").pipe(Config.withDefault(8)),
  maxRepeatedCalls: Config.integer("BOOCODE_MAX_REPEATED_CALLS").pipe(Config.withDefault(3)),
  autoName: Config.boolean("BOOCODE_AUTO_NAME").pipe(Config.withDefault(true)),
  continueStyle: Config.literal("auto", "llama", "vllm", "none")("BOOCODE_CONTINUE_STYLE").pipe(Config.withDefault("auto" as const))
})
