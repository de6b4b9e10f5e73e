import type { ErrorInfo as DomainErrorInfo, MessageStatus as DomainMessageStatus, Usage as DomainUsage } from "../../domain/session/message.ts"
import type { LlmStatus as LlmStatusSchema } from "../../contract/llmStatus.ts"
import type * as Api from "../../http/api/schemas.ts"

/** The REST bodies as the browser holds them: the types of the server's own schemas (src/http/api/schemas.ts). */
export type Project = Api.Project
export type SessionSummary = Api.Session
export type Generation = Api.Session["generation"]
export type Message = Api.Message
export type SessionDetail = Api.SessionDetail
export type SearchHit = Api.SearchHit
export type AuditEvent = Api.LoggedEvent
export type Model = typeof Api.Model.Type
export type LlmStatus = LlmStatusSchema
export type Usage = DomainUsage
export type ErrorInfo = DomainErrorInfo
export type MessageStatus = DomainMessageStatus
export type Alternatives = NonNullable<Message["alternatives"]>

/** A tool's result as the browser shows it (from a message's parts or a tool_result frame). */
export interface ToolResult {
  readonly tool_call_id: string
  readonly output: string
  readonly truncated: boolean
  readonly error: string | null
}

export const noGeneration: Generation = { temperature: null, top_p: null, max_tokens: null, extra: null }
