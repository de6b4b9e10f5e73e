import { HttpServer, type HttpServerRequest } from "@effect/platform"
import { Context, Effect, Layer, Option, Redacted, Schema } from "effect"
import { createHash, timingSafeEqual } from "node:crypto"
import { ServerConfig } from "../ServerConfig.ts"
import { SecurityConfig } from "./SecurityConfig.ts"
import { makeSessions, SESSION_COOKIE } from "./sessions.ts"

export class InsecureBind extends Schema.TaggedError<InsecureBind>()("InsecureBind", { host: Schema.String }) {
  get message(): string {
    return `Refusing to listen on ${this.host} without BOOCODE_TOKEN: set a token or bind to 127.0.0.1`
  }
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"])
const sha = (s: string) => createHash("sha256").update(s).digest()

/** Refuses a bind beyond loopback without a token; run before anything else starts. */
export const checkBind = Effect.gen(function* () {
  const config = yield* SecurityConfig
  const { host } = yield* ServerConfig
  if (!LOOPBACK.has(host) && Option.isNone(config.token)) return yield* new InsecureBind({ host })
})

const make = Effect.gen(function* () {
  const config = yield* SecurityConfig
  yield* checkBind
  const server = yield* HttpServer.HttpServer
  const port = server.address._tag === "TcpAddress" ? server.address.port : 0
  const names = ["localhost", "127.0.0.1", "[::1]", ...config.allowedHosts]
  const hosts = new Set(names.flatMap((n) => (/:\d+$/.test(n) ? [n] : port === 80 ? [n, `${n}:80`] : [`${n}:${port}`])))
  const tokenHash = Option.map(config.token, (t) => sha(Redacted.value(t)))
  const sessions = Option.map(config.token, (t) => makeSessions(Redacted.value(t), config.sessionTtl))
  const userCounts = new Map<string, number>()

  /** Exact match of the Host header against the allowlist (DNS rebinding defence). */
  const hostAllowed = (hostHeader: string | undefined) => hostHeader !== undefined && hosts.has(hostHeader.toLowerCase())

  /** A browser's Origin must be this very server (same host and port as the validated Host header). */
  const originAllowed = (origin: string | undefined, hostHeader: string | undefined) => {
    if (origin === undefined) return true
    try {
      const url = new URL(origin)
      return (url.protocol === "http:" || url.protocol === "https:") && url.host.toLowerCase() === hostHeader?.toLowerCase()
    } catch {
      return false
    }
  }

  const tokenMatches = (given: string | undefined) =>
    Option.match(tokenHash, {
      onNone: () => true,
      onSome: (expected) => given !== undefined && timingSafeEqual(sha(given), expected)
    })

  const bearer = (request: HttpServerRequest.HttpServerRequest) => {
    const header = request.headers["authorization"]
    return header !== undefined && header.toLowerCase().startsWith("bearer ") ? header.slice(7).trim() : undefined
  }

  /** Whether a request may pass: no token configured, the token as a bearer, or a live login session's cookie. */
  const authorized = (request: HttpServerRequest.HttpServerRequest): Effect.Effect<boolean> =>
    Option.match(sessions, {
      onNone: () => Effect.succeed(true),
      onSome: (s) => (tokenMatches(bearer(request)) ? Effect.succeed(true) : s.isValid(request.cookies[SESSION_COOKIE]))
    })

  /** Reserves one of the user's WebSocket slots for the scope; false when all are taken. */
  const reserveSocket = (user: string) =>
    Effect.acquireRelease(
      Effect.sync(() => {
        const n = userCounts.get(user) ?? 0
        if (n >= config.wsPerUser) return false
        userCounts.set(user, n + 1)
        return true
      }),
      (reserved) =>
        Effect.sync(() => {
          if (!reserved) return
          const n = (userCounts.get(user) ?? 1) - 1
          if (n <= 0) userCounts.delete(user)
          else userCounts.set(user, n)
        })
    )

  return {
    config,
    tokenRequired: Option.isSome(tokenHash),
    /** The identity behind a request: the token's user when one is configured, else the single local user. */
    userOf: Option.match(tokenHash, { onNone: () => "local", onSome: (h) => `token-${h.toString("hex").slice(0, 16)}` }),
    hostAllowed,
    originAllowed,
    tokenMatches,
    authorized,
    /** Login sessions, when a token is configured. */
    sessions,
    reserveSocket
  }
})

export class Security extends Context.Tag("http/Security")<Security, Effect.Effect.Success<typeof make>>() {
  static readonly layer = Layer.effect(Security, make)
}
