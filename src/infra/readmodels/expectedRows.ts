import type { MessageSnapshot, ProjectState, SessionState } from "../../domain/index.ts"

/** The read-model rows a folded state implies, in a shape comparable with what the tables hold. */
export const expectedProjectRow = (s: ProjectState) => ({
  id: s.project_id,
  name: s.name,
  path: s.path,
  removed: s.removed,
  version: s.version
})

export const expectedSessionRow = (s: SessionState) => ({
  id: s.session_id,
  project_id: s.project_id,
  name: s.name,
  name_by: s.name_by,
  model: s.model,
  system_prompt: s.system_prompt,
  generation: s.generation,
  open_message_id: s.open_message_id,
  deleted: s.deleted
})

export const expectedMessageRow = (m: MessageSnapshot) => ({
  id: m.id,
  role: m.role,
  content: m.status === "streaming" ? "" : m.content,
  reasoning: m.status === "streaming" ? "" : m.reasoning,
  tool_calls: m.tool_calls,
  tool_results: m.tool_results,
  status: m.status,
  error: m.error,
  finish_reason: m.finish_reason,
  usage: m.usage,
  ctx_used: m.ctx_used,
  ctx_max: m.ctx_max,
  timings: m.timings,
  model: m.model
})
