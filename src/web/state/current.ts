import { type ConversationView, streamingMessage } from "../model/session.ts"

/** The session the page shows: its id as soon as it is routed to, its conversation once loaded. */
export const current: { sessionId: string | null; conversation: ConversationView | null } = {
  sessionId: null,
  conversation: null
}

export const isStreaming = (): boolean => current.conversation !== null && streamingMessage(current.conversation) !== undefined
