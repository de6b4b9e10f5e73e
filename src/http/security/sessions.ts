import { Clock, Duration, Effect } from "effect"
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto"

/** The cookie a person's browser holds after logging in: a signed session, never the token. */
export const SESSION_COOKIE = "boocode_session"

const VERSION = "v1"

/**
 * Login sessions signed with a key derived from the token: `v1.<expires, unix s>.<nonce>.<mac>`.
 * Every instance sharing the token checks the same cookies without shared state, and changing the
 * token ends every session. Logging out revokes the nonce in this instance until it expires.
 */
export const makeSessions = (token: string, ttl: Duration.Duration) => {
  const key = createHmac("sha256", token).update("boocode login session key").digest()
  const mac = (payload: string) => createHmac("sha256", key).update(payload).digest()
  const ttlSeconds = Math.max(1, Math.floor(Duration.toSeconds(ttl)))
  const revoked = new Map<string, number>()

  const nowSeconds = Effect.map(Clock.currentTimeMillis, (ms) => Math.floor(ms / 1000))

  /** A well-signed, unexpired, unrevoked session value's nonce and expiry, else undefined. */
  const open = (value: string, now: number): { readonly nonce: string; readonly expiresAt: number } | undefined => {
    const parts = value.split(".")
    if (parts.length !== 4 || parts[0] !== VERSION) return undefined
    const [version, expires, nonce, signature] = parts
    const given = Buffer.from(signature, "base64url")
    const expected = mac(`${version}.${expires}.${nonce}`)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
    const expiresAt = Number(expires)
    if (!Number.isSafeInteger(expiresAt) || expiresAt <= now) return undefined
    return revoked.has(nonce) ? undefined : { nonce, expiresAt }
  }

  const prune = (now: number) => {
    for (const [nonce, expiresAt] of revoked) if (expiresAt <= now) revoked.delete(nonce)
  }

  return {
    ttlSeconds,
    /** A new session value, valid for the configured time. */
    issue: Effect.map(nowSeconds, (now) => {
      const payload = `${VERSION}.${now + ttlSeconds}.${randomBytes(18).toString("base64url")}`
      return `${payload}.${mac(payload).toString("base64url")}`
    }),
    isValid: (value: string | undefined) =>
      Effect.map(nowSeconds, (now) => value !== undefined && open(value, now) !== undefined),
    /** Ends a session: its value is refused from now on (until it would have expired anyway). */
    revoke: (value: string | undefined) =>
      Effect.map(nowSeconds, (now) => {
        prune(now)
        const session = value === undefined ? undefined : open(value, now)
        if (session !== undefined) revoked.set(session.nonce, session.expiresAt)
      })
  }
}

export type Sessions = ReturnType<typeof makeSessions>
