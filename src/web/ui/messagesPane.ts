import { byId } from "../lib/dom.ts"

/** The scrolling element that holds the conversation. */
export const messagesPane = byId("messages", HTMLElement)

export const nearBottom = (): boolean => messagesPane.scrollHeight - messagesPane.scrollTop - messagesPane.clientHeight < 120

export const toBottom = (): void => {
  messagesPane.scrollTop = messagesPane.scrollHeight
}
