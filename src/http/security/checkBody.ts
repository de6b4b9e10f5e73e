import type { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Either, Option, Schema } from "effect"
import { findUnstorable } from "../../domain/storableText.ts"
import { withBody } from "./bufferedRequest.ts"
import { dropBody, hasBody, readBody } from "./readBody.ts"
import { refuse } from "./responses.ts"

const decodeJson = Schema.decodeUnknownEither(Schema.parseJson())

const isJson = (contentType: string) => contentType === "application/json" || contentType.endsWith("+json")

/** What a field holding NUL or an unpaired surrogate is told. */
export const unstorableMessage = (field: string) =>
  `${field}: holds a NUL character or an unpaired UTF-16 surrogate, which cannot be stored; remove it`

export const tooLargeMessage = (limit: number) => `The body is over the limit of ${limit} bytes`

/**
 * Checks a request body before any handler: 413 over the limit (by Content-Length before reading,
 * else while reading), 415 when it is not JSON, 400 for malformed JSON or a string Postgres cannot
 * store. The body is read once: Right is the request to go on with, its body in memory.
 */
export const checkBody = (
  request: HttpServerRequest.HttpServerRequest,
  limit: number
): Effect.Effect<Either.Either<HttpServerRequest.HttpServerRequest, HttpServerResponse.HttpServerResponse>> =>
  Effect.gen(function* () {
    const length = request.headers["content-length"]
    const declared = length === undefined ? undefined : Number(length)
    const tooLarge = () => Either.left(refuse(request, 413, "payload_too_large", tooLargeMessage(limit)))
    if (declared !== undefined && declared > limit) {
      yield* dropBody(request, limit)
      return tooLarge()
    }
    const bodySent = hasBody(request)
    const contentType = (request.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase()
    if ((contentType !== "" || bodySent) && !isJson(contentType)) {
      if (bodySent) yield* dropBody(request, limit)
      return Either.left(refuse(request, 415, "unsupported_media_type", "The body must be application/json"))
    }
    if (!bodySent) return Either.right(request)
    const text = yield* readBody(request, limit)
    if (Option.isNone(text)) return tooLarge()
    const buffered = withBody(request, text.value)
    if (text.value.trim() === "") return Either.right(buffered)
    const parsed = decodeJson(text.value)
    if (Either.isLeft(parsed)) return Either.left(refuse(request, 400, "malformed_json", "The body is not valid JSON"))
    const unstorableAt = findUnstorable(parsed.right)
    return unstorableAt === undefined
      ? Either.right(buffered)
      : Either.left(refuse(request, 400, "bad_request", unstorableMessage(unstorableAt)))
  })
