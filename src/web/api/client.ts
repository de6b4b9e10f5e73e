import { array, decode, type Decoder, parseJson, unknown } from "../lib/decode.ts"
import {
  ApiError, AuditEvent, ForkReply, listOf, LlmStatus, Model, PostMessageReply, Project, SearchHit, SessionDetail, SessionState,
  SessionSummary
} from "./types.ts"

/** A failed call, carrying the server's {error: {code, message}} when there was one. */
export class RequestError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message)
  }
}

const call = async <T>(method: string, path: string, decoder: Decoder<T>, body?: unknown, headers?: Record<string, string>): Promise<T> => {
  let res: Response
  try {
    res = await fetch(path, {
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
    const e = decode(ApiError, json)
    throw e.ok
      ? new RequestError(res.status, e.value.error.code, e.value.error.message)
      : new RequestError(res.status, `http_${res.status}`, `${res.status} ${res.statusText || "error"}`)
  }
  const decoded = decode(decoder, json)
  if (!decoded.ok) throw new RequestError(res.status, "bad_response", `Unexpected answer from ${path}: ${decoded.error.message}`)
  return decoded.value
}

const ignore: Decoder<unknown> = unknown

/** Sampling settings as sent: `extra` goes as typed, so the server's 400 can name it when it is not an object. */
export interface GenerationPatch {
  readonly temperature: number | null
  readonly top_p: number | null
  readonly max_tokens: number | null
  readonly extra: unknown
}
const enc = encodeURIComponent

export const api = {
  projects: () => call("GET", "/api/projects", listOf(Project, "projects", "data")),
  addProject: (path: string) => call("POST", "/api/projects", Project, { path }),
  removeProject: (id: string) => call("DELETE", `/api/projects/${enc(id)}`, ignore),
  sessions: (projectId: string) =>
    call("GET", `/api/projects/${enc(projectId)}/sessions`, listOf(SessionSummary, "sessions", "data")),
  createSession: (projectId: string, body: { model?: string }) =>
    call("POST", `/api/projects/${enc(projectId)}/sessions`, SessionSummary, body),
  session: (id: string) => call("GET", `/api/sessions/${enc(id)}`, SessionDetail),
  patchSession: (id: string, body: { name?: string; model?: string | null; system_prompt?: string; generation?: GenerationPatch }) =>
    call("PATCH", `/api/sessions/${enc(id)}`, ignore, body),
  deleteSession: (id: string) => call("DELETE", `/api/sessions/${enc(id)}`, ignore),
  post: (id: string, content: string, requestId: string) =>
    call("POST", `/api/sessions/${enc(id)}/messages`, PostMessageReply, { content, client_request_id: requestId }, {
      "idempotency-key": requestId
    }),
  cancel: (id: string) => call("POST", `/api/sessions/${enc(id)}/cancel`, ignore, {}),
  regenerate: (id: string, messageId: string) =>
    call("POST", `/api/sessions/${enc(id)}/messages/${enc(messageId)}/regenerate`, ignore, {}),
  continueMessage: (id: string, messageId: string) =>
    call("POST", `/api/sessions/${enc(id)}/messages/${enc(messageId)}/continue`, ignore, {}),
  edit: (id: string, messageId: string, content: string) =>
    call("POST", `/api/sessions/${enc(id)}/messages/${enc(messageId)}/edit`, ignore, { content }),
  deleteFrom: (id: string, messageId: string) => call("DELETE", `/api/sessions/${enc(id)}/messages/${enc(messageId)}`, ignore),
  selectAlternative: (id: string, messageId: string, index: number) =>
    call("POST", `/api/sessions/${enc(id)}/messages/${enc(messageId)}/select`, ignore, { index }),
  fork: (id: string, messageId: string) => call("POST", `/api/sessions/${enc(id)}/fork`, ForkReply, { message_id: messageId }),
  events: (id: string) => call("GET", `/api/sessions/${enc(id)}/events?after=0`, listOf(AuditEvent, "events", "data")),
  stateAt: (id: string, version: number) => call("GET", `/api/sessions/${enc(id)}/state?version=${version}`, SessionState),
  models: () => call("GET", "/api/models", listOf(Model, "models", "data")),
  llmStatus: () => call("GET", "/api/llm/status", LlmStatus),
  search: (q: string) => call("GET", `/api/search?q=${enc(q)}`, listOf(SearchHit, "results", "hits", "data")),
  exportUrl: (id: string, format: "markdown" | "json") => `/api/sessions/${enc(id)}/export?format=${format}`
}

export const newRequestId = (): string => crypto.randomUUID()
export const anyArray = array(unknown)
