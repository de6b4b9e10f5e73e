import { HttpServerError, type HttpServerRequest, UrlParams } from "@effect/platform"
import { Effect, Schema, Stream } from "effect"

const decodeJson = Schema.decodeUnknown(Schema.parseJson())

/**
 * The same request with its body already read (by the middleware, under the size limit): the
 * body accessors answer from memory. Everything else, the server's own internals included (the
 * node response it writes to), is the original request's: hence a Proxy, not a copy.
 */
export const withBody = (
  original: HttpServerRequest.HttpServerRequest,
  body: string
): HttpServerRequest.HttpServerRequest => {
  const bytes = () => new TextEncoder().encode(body)
  const json = body === ""
    ? Effect.succeed(null)
    : decodeJson(body).pipe(
      Effect.mapError((cause) => new HttpServerError.RequestError({ request: original, reason: "Decode", cause }))
    )
  const overrides: Partial<Record<PropertyKey, unknown>> = {
    text: Effect.succeed(body),
    json,
    urlParamsBody: Effect.sync(() => UrlParams.fromInput(new URLSearchParams(body))),
    arrayBuffer: Effect.sync(() => {
      const b = bytes()
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)
    }),
    stream: Stream.suspend(() => Stream.succeed(bytes())),
    modify: (options: Parameters<HttpServerRequest.HttpServerRequest["modify"]>[0]) => withBody(original.modify(options), body)
  }
  return new Proxy(original, {
    get: (target, property) => (Object.hasOwn(overrides, property) ? overrides[property] : Reflect.get(target, property))
  })
}
