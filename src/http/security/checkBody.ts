import { HttpIncomingMessage, type HttpServerRequest, type HttpServerResponse } from "@effect/platform"
import { Effect, Either, Option, Schema } from "effect"
import { refuse } from "./responses.ts"

const decodeJson = Schema.decodeUnknownEither(Schema.parseJson())

/** The path of the first string (value or key) holding a NUL character, e.g. "messages.0.content". */
export const findNul = (value: unknown, path: ReadonlyArray<string> = []): string | undefined => {
  if (typeof value === "string") return value.includes("\u0000") ? path.join(".") || "(body)" : undefined
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], [...path, String(i)])
      if (found !== undefined) return found
    }
    return undefined
  }
  if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes("\u0000")) return [...path, key].join(".")
      const found = findNul(item, [...path, key])
      if (found !== undefined) return found
    }
  }
  return undefined
}

const isJson = (contentType: string) => contentType === "application/json" || contentType.endsWith("+json")

/**
 * Checks a request body before any handler: 413 over the limit (by Content-Length before reading,
 * else while reading), 415 when it is not JSON, 400 for malformed JSON or a NUL character.
 * The body is read once; handlers get the cached text.
 */
export const checkBody = (
  request: HttpServerRequest.HttpServerRequest,
  limit: number
): Effect.Effect<Option.Option<HttpServerResponse.HttpServerResponse>> =>
  Effect.gen(function* () {
    const length = request.headers["content-length"]
    const declared = length === undefined ? undefined : Number(length)
    const tooLarge = () => refuse(request, 413, "payload_too_large", `The body is over the limit of ${limit} bytes`)
    if (declared !== undefined && declared > limit) return Option.some(tooLarge())
    const chunked = request.headers["transfer-encoding"] !== undefined
    const hasBody = chunked || (declared !== undefined && declared > 0)
    const contentType = (request.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase()
    if ((contentType !== "" || hasBody) && !isJson(contentType))
      return Option.some(refuse(request, 415, "unsupported_media_type", "The body must be application/json"))
    if (!hasBody) return Option.none()
    const text = yield* request.text.pipe(HttpIncomingMessage.withMaxBodySize(Option.some(limit)), Effect.either)
    if (Either.isLeft(text)) return Option.some(tooLarge())
    if (text.right.trim() === "") return Option.none()
    const parsed = decodeJson(text.right)
    if (Either.isLeft(parsed)) return Option.some(refuse(request, 400, "malformed_json", "The body is not valid JSON"))
    const nulAt = findNul(parsed.right)
    return nulAt === undefined
      ? Option.none()
      : Option.some(refuse(request, 400, "bad_request", `${nulAt}: NUL characters are not allowed`))
  })
