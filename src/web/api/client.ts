import { Schema } from "effect"
import { ApiErrorBody } from "../../contract/apiError.ts"
import { LlmStatus } from "../../contract/llmStatus.ts"
import {
  Cancelled, LoggedEvent, Model, Posted, Project, SearchHit, Session, SessionAt, SessionDetail, Started, Versioned
} from "../../http/api/schemas.ts"
import { decoderOf, parseJson } from "./decodeWith.ts"

/** A failed call, carrying the server's {error: {code, message}} when there was one. */
export class RequestError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message)
  }
}

/** Sampling settings as sent: `extra` goes as typed, so the server's 400 can name it when it is not an object. */
export interface GenerationPatch {
  readonly temperature: number | null
  readonly top_p: number | null
  readonly max_tokens: number | null
  readonly extra: unknown
}

const decodeError = decoderOf(ApiErrorBody)
/** 204 No Content: an empty body. */
const NoContent = Schema.Null
const enc = encodeURIComponent

/**
 * The REST API as the browser calls it: every answer is decoded with the server's own schema, and
 * an answer that does not match is an error (`bad_response`), never guessed at. `base` is "" in the
 * browser (same origin); tests give the app's URL.
 */
export const makeApi = (base: string) => {
  const call = async <A, I>(
    method: string, path: string, schema: Schema.Schema<A, I, never>, body?: unknown, headers?: Record<string, string>
  ): Promise<A> => {
    let res: Response
    try {
      res = await fetch(base + path, {
        method,
        headers: { accept: "application/json", ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
        body: body !== undefined ? JSON.stringify(body) : null,
        credentials: "same-origin"
      })
    } catch {
      throw new RequestError(0, "network", "The server did not answer.")
    }
    const text = await res.text()
    const json = text === "" ? null : parseJson(text)
    if (!res.ok) {
      const e = decodeError(json)
      throw e.ok
        ? new RequestError(res.status, e.value.error.code, e.value.error.message)
        : new RequestError(res.status, `http_${res.status}`, `${res.status} ${res.statusText || "error"}`)
    }
    const decoded = decoderOf(schema)(json)
    if (!decoded.ok) throw new RequestError(res.status, "bad_response", `Unexpected answer from ${method} ${path}: ${decoded.error}`)
    return decoded.value
  }
  const message = (id: string, messageId: string, action: string) => `/api/sessions/${enc(id)}/messages/${enc(messageId)}${action}`

  return {
    projects: () => call("GET", "/api/projects", Schema.Array(Project)),
    addProject: (path: string) => call("POST", "/api/projects", Project, { path }),
    removeProject: (id: string) => call("DELETE", `/api/projects/${enc(id)}`, NoContent),
    sessions: (projectId: string) => call("GET", `/api/projects/${enc(projectId)}/sessions`, Schema.Array(Session)),
    createSession: (projectId: string, body: { model?: string }) => call("POST", `/api/projects/${enc(projectId)}/sessions`, Session, body),
    session: (id: string) => call("GET", `/api/sessions/${enc(id)}`, SessionDetail),
    patchSession: (id: string, body: { name?: string; model?: string | null; system_prompt?: string; generation?: GenerationPatch }) =>
      call("PATCH", `/api/sessions/${enc(id)}`, Session, body),
    deleteSession: (id: string) => call("DELETE", `/api/sessions/${enc(id)}`, NoContent),
    post: (id: string, content: string, requestId: string) =>
      call("POST", `/api/sessions/${enc(id)}/messages`, Posted, { content, client_request_id: requestId }, { "idempotency-key": requestId }),
    cancel: (id: string) => call("POST", `/api/sessions/${enc(id)}/cancel`, Cancelled, {}),
    regenerate: (id: string, messageId: string) => call("POST", message(id, messageId, "/regenerate"), Started, {}),
    continueMessage: (id: string, messageId: string) => call("POST", message(id, messageId, "/continue"), Started, {}),
    edit: (id: string, messageId: string, content: string) => call("POST", message(id, messageId, "/edit"), Posted, { content }),
    deleteFrom: (id: string, messageId: string) => call("DELETE", message(id, messageId, ""), Versioned),
    selectAlternative: (id: string, messageId: string, index: number) =>
      call("POST", message(id, messageId, "/select"), SessionDetail, { index }),
    /** The new session (201, the fork's detail). */
    fork: (id: string, messageId: string) => call("POST", `/api/sessions/${enc(id)}/fork`, SessionDetail, { message_id: messageId }),
    events: (id: string) => call("GET", `/api/sessions/${enc(id)}/events?after=0`, Schema.Array(LoggedEvent)),
    stateAt: (id: string, version: number) => call("GET", `/api/sessions/${enc(id)}/state?version=${version}`, SessionAt),
    models: () => call("GET", "/api/models", Schema.Array(Model)),
    llmStatus: () => call("GET", "/api/llm/status", LlmStatus),
    search: (q: string) => call("GET", `/api/search?q=${enc(q)}`, Schema.Array(SearchHit)),
    exportUrl: (id: string, format: "markdown" | "json") => `${base}/api/sessions/${enc(id)}/export?format=${format}`
  }
}
export type BrowserApi = ReturnType<typeof makeApi>

export const api: BrowserApi = makeApi("")

export const newRequestId = (): string => crypto.randomUUID()
