import type { HttpClientError } from "@effect/platform/HttpClientError"
import { causeCode, unreachable } from "./classifyError.ts"
import type { LlmConfig } from "./LlmConfig.ts"
import { type LlmError, LlmStreamError } from "./LlmError.ts"
import { connectTimeout } from "./phaseTimeouts.ts"

/** Maps a failure to send the request or read the response to a tagged error. */
export const transportError = (url: string, config: LlmConfig) => (error: HttpClientError): LlmError => {
  if (error._tag === "RequestError") {
    return causeCode(error.cause).code === "UND_ERR_CONNECT_TIMEOUT"
      ? connectTimeout(url, config.connectTimeout)
      : unreachable(url, error.cause)
  }
  const { message } = causeCode(error.cause)
  return new LlmStreamError({ message: `the connection to the LLM server at ${url} broke mid-answer: ${message}` })
}
