import { HttpClientError, HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Option } from "effect"
import type { LlmConfig } from "../../../src/infra/llm/LlmConfig.ts"
import { transportError } from "../../../src/infra/llm/transportError.ts"

const config: LlmConfig = {
  baseUrl: "http://10.0.0.9:8080",
  apiKey: Option.none(),
  connectTimeout: Duration.millis(2500),
  firstByteTimeout: Duration.seconds(120),
  idleTimeout: Duration.seconds(60),
  loadingRetries: 5,
  loadingBackoff: Duration.seconds(1)
}
const url = `${config.baseUrl}/v1/chat/completions`
const requestError = (cause: unknown) =>
  new HttpClientError.RequestError({ request: HttpClientRequest.post(url), reason: "Transport", cause })

// A real connect timeout cannot be provoked reliably here (this sandbox answers every address),
// so the mapping of undici's errors is checked on its own.
describe("LlmClient transport error mapping", () => {
  it("undici's connect timeout becomes LlmTimeout connect", () => {
    const error = transportError(url, config)(requestError({ code: "UND_ERR_CONNECT_TIMEOUT", message: "Connect Timeout Error" }))
    expect(error).toMatchObject({ _tag: "LlmTimeout", phase: "connect", seconds: 2.5 })
    expect(error.message).toContain(url)
  })

  it("an unknown host, nested in an AggregateError-like cause, becomes LlmUnreachable", () => {
    const error = transportError(url, config)(requestError({ errors: [{ code: "ENOTFOUND", message: "getaddrinfo ENOTFOUND" }] }))
    expect(error).toMatchObject({ _tag: "LlmUnreachable", url })
    expect(error.message).toBe(`could not connect to ${url}: host not found — is the LLM server running?`)
  })
})
