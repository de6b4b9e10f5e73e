export { type ChatRequest, ChatMessage, type ToolSpec } from "./ChatRequest.ts"
export { LlmConfig } from "./LlmConfig.ts"
export {
  LlmContextOverflow,
  LlmError,
  LlmHttpError,
  LlmModelLoading,
  LlmStreamError,
  LlmTimeout,
  LlmUnreachable
} from "./LlmError.ts"
export { LlmEvent, type ToolCall, type Usage } from "./LlmEvent.ts"
export { LlmClient, LlmClientLive } from "./LlmClient.ts"
export type { ModelInfo } from "./listModels.ts"
