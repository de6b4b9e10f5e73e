import { Config, Duration, Option, Redacted } from "effect"

const positive = (name: string, fallback: number) =>
  Config.integer(name).pipe(
    Config.validate({ message: `${name} must be a positive integer`, validation: (n) => n > 0 }),
    Config.withDefault(fallback)
  )

/** Settings of the server's guard rails, all from the environment. */
export const SecurityConfig = Config.all({
  token: Config.option(Config.redacted("BOOCODE_TOKEN")).pipe(
    Config.map(Option.filter((t) => Redacted.value(t).trim() !== ""))
  ),
  allowedHosts: Config.string("BOOCODE_ALLOWED_HOSTS").pipe(
    Config.withDefault(""),
    Config.map((s) => s.split(",").map((h) => h.trim().toLowerCase()).filter((h) => h !== ""))
  ),
  /** How long a login in the browser lasts. */
  sessionTtl: Config.duration("BOOCODE_SESSION_TTL").pipe(Config.withDefault(Duration.days(7))),
  bodyLimit: positive("BOOCODE_BODY_LIMIT", 1024 * 1024),
  wsFrameLimit: positive("BOOCODE_WS_FRAME_LIMIT", 64 * 1024),
  wsBufferLimit: positive("BOOCODE_WS_BUFFER_LIMIT", 4 * 1024 * 1024),
  wsPerUser: positive("BOOCODE_WS_MAX_PER_USER", 32),
  wsPingMs: positive("BOOCODE_WS_PING_MS", 20_000),
  wsFrameRate: positive("BOOCODE_WS_FRAME_RATE", 20),
  wsFrameBurst: positive("BOOCODE_WS_FRAME_BURST", 50)
})
export type SecurityConfig = Config.Config.Success<typeof SecurityConfig>
