import { Config } from "effect"

export type GrepEngine = "auto" | "js" | "rg"

export interface ToolLimits {
  readonly viewMaxLines: number
  readonly maxLineChars: number
  readonly maxOutputBytes: number
  readonly viewMaxScanBytes: number
  readonly listMaxEntries: number
  readonly listMaxDepth: number
  readonly grepMaxMatches: number
  readonly grepMaxContext: number
  readonly grepMaxFileBytes: number
  readonly grepLineChars: number
  readonly findMaxResults: number
  readonly walkConcurrency: number
  readonly grepEngine: GrepEngine
}

export const defaultLimits: ToolLimits = {
  viewMaxLines: 2_000,
  maxLineChars: 2_000,
  maxOutputBytes: 256 * 1024,
  viewMaxScanBytes: 256 * 1024 * 1024,
  listMaxEntries: 1_000,
  listMaxDepth: 5,
  grepMaxMatches: 200,
  grepMaxContext: 10,
  grepMaxFileBytes: 16 * 1024 * 1024,
  grepLineChars: 500,
  findMaxResults: 1_000,
  walkConcurrency: 16,
  grepEngine: "auto"
}

const int = (name: string, fallback: number) =>
  Config.integer(name).pipe(Config.withDefault(fallback))

/** Limits read from BOOCODE_TOOLS_* settings, each with a default. */
export const toolLimitsConfig: Config.Config<ToolLimits> = Config.all({
  viewMaxLines: int("VIEW_MAX_LINES", defaultLimits.viewMaxLines),
  maxLineChars: int("MAX_LINE_CHARS", defaultLimits.maxLineChars),
  maxOutputBytes: int("MAX_OUTPUT_BYTES", defaultLimits.maxOutputBytes),
  viewMaxScanBytes: int("VIEW_MAX_SCAN_BYTES", defaultLimits.viewMaxScanBytes),
  listMaxEntries: int("LIST_MAX_ENTRIES", defaultLimits.listMaxEntries),
  listMaxDepth: int("LIST_MAX_DEPTH", defaultLimits.listMaxDepth),
  grepMaxMatches: int("GREP_MAX_MATCHES", defaultLimits.grepMaxMatches),
  grepMaxContext: int("GREP_MAX_CONTEXT", defaultLimits.grepMaxContext),
  grepMaxFileBytes: int("GREP_MAX_FILE_BYTES", defaultLimits.grepMaxFileBytes),
  grepLineChars: int("GREP_LINE_CHARS", defaultLimits.grepLineChars),
  findMaxResults: int("FIND_MAX_RESULTS", defaultLimits.findMaxResults),
  walkConcurrency: int("WALK_CONCURRENCY", defaultLimits.walkConcurrency),
  grepEngine: Config.literal("auto", "js", "rg")("GREP_ENGINE").pipe(
    Config.withDefault<GrepEngine>(defaultLimits.grepEngine)
  )
}).pipe(Config.nested("BOOCODE_TOOLS"))
