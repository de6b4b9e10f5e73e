import { Either, Schema } from "effect"
import { LlmContextOverflow, LlmHttpError, LlmStreamError, LlmUnreachable } from "./LlmError.ts"
import { ErrorEnvelope, ErrorObject } from "./wireSchemas.ts"

const OVERFLOW = /exceed_context_size|context_length_exceeded|context length|context size|maximum context|context window|too many tokens/i
const LOADING = /loading model|model is loading|loading/i

const decodeEnvelope = Schema.decodeUnknownEither(Schema.parseJson(ErrorEnvelope))

const errorObject = (error: ErrorEnvelope["error"]): ErrorObject =>
  typeof error === "string" ? { message: error } : error

const decodeEnvelopeValue = Schema.decodeUnknownEither(ErrorEnvelope)

/** The error object inside an already parsed JSON value, if it is an error envelope. */
export const errorOfValue = (value: unknown): ErrorObject | null =>
  Either.match(decodeEnvelopeValue(value), { onLeft: () => null, onRight: (env) => errorObject(env.error) })

/** The error object inside a body, if the body is one. */
export const parseErrorBody = (body: string): ErrorObject | null =>
  Either.match(decodeEnvelope(body), { onLeft: () => null, onRight: (env) => errorObject(env.error) })

const snippet = (text: string): string => {
  const flat = text.replace(/\s+/g, " ").trim()
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat
}

const describe = (error: ErrorObject | null, body: string): string =>
  error?.message ? error.message : snippet(body) || "(empty body)"

/** The server's own message from an error body, else a bounded snippet of the body. */
export const describeBody = (body: string): string => describe(parseErrorBody(body), body)

export const isOverflow = (error: ErrorObject | null, body: string): boolean =>
  OVERFLOW.test(`${error?.type ?? ""} ${error?.code ?? ""} ${error?.message ?? ""}`) || OVERFLOW.test(body)

export const isLoading = (status: number, body: string): boolean => status === 503 && LOADING.test(body)

export const overflowError = (error: ErrorObject | null, body: string): LlmContextOverflow => {
  const sizes = [
    error?.n_ctx != null ? `n_ctx=${error.n_ctx}` : null,
    error?.n_prompt_tokens != null ? `prompt=${error.n_prompt_tokens} tokens` : null
  ].filter((s) => s !== null)
  const detail = sizes.length > 0 ? ` (${sizes.join(", ")})` : ""
  return new LlmContextOverflow({
    message: `the conversation no longer fits the model's context${detail}; start a new session or shorten ` +
      `the conversation. Server said: ${describe(error, body)}`
  })
}

/** A non-success status with its body read as text. */
export const httpStatusError = (status: number, body: string): LlmHttpError | LlmContextOverflow => {
  const error = parseErrorBody(body)
  if ((status === 400 || status === 413 || status === 500) && isOverflow(error, body)) return overflowError(error, body)
  return new LlmHttpError({ status, message: `the LLM server answered HTTP ${status}: ${describe(error, body)}` })
}

const decodeErrorObject = Schema.decodeUnknownEither(Schema.parseJson(ErrorObject))

/**
 * An SSE event named `error` (or llama.cpp's old `error: {...}` line): its data may be an error
 * envelope, a bare error object, or plain text, which then becomes the message (bounded).
 */
export const errorEvent = (data: string): LlmStreamError | LlmContextOverflow => {
  const error = parseErrorBody(data) ?? Either.getOrNull(decodeErrorObject(data))
  return isOverflow(error, data)
    ? overflowError(error, data)
    : new LlmStreamError({ message: `the LLM server reported an error: ${describe(error, data)}` })
}

/** An error object received where a completion was expected (an SSE frame, a 200 body). */
export const streamError = (error: ErrorObject, raw: string): LlmStreamError | LlmContextOverflow =>
  isOverflow(error, "")
    ? overflowError(error, raw)
    : new LlmStreamError({ message: `the LLM server reported an error: ${describe(error, raw)}` })

const CauseShape = Schema.Struct({
  code: Schema.optional(Schema.String),
  message: Schema.optional(Schema.String),
  cause: Schema.optional(Schema.Unknown),
  errors: Schema.optional(Schema.Array(Schema.Unknown))
})
const decodeCause = Schema.decodeUnknownOption(CauseShape)

/** The first error code (ECONNREFUSED, UND_ERR_CONNECT_TIMEOUT...) found in a cause chain. */
export const causeCode = (cause: unknown, depth = 0): { code: string | null; message: string } => {
  const shape = decodeCause(cause)
  if (shape._tag === "None" || depth > 4) return { code: null, message: String(cause) }
  const { code, message, errors } = shape.value
  if (code) return { code, message: message ?? code }
  const nested = shape.value.cause ?? errors?.[0]
  if (nested !== undefined) return causeCode(nested, depth + 1)
  return { code: null, message: message ?? String(cause) }
}

const CODE_TEXT: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ECONNRESET: "connection reset"
}

export const unreachable = (url: string, cause: unknown): LlmUnreachable => {
  const { code, message } = causeCode(cause)
  const reason = code !== null ? (CODE_TEXT[code] ?? `${code}: ${message}`) : message
  return new LlmUnreachable({
    url,
    message: `could not connect to ${url}: ${reason} — is the LLM server running?`
  })
}
