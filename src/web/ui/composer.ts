import { api, newRequestId } from "../api/client.ts"
import { byId } from "../lib/dom.ts"
import { current, isStreaming } from "../state/current.ts"
import { toBottom } from "./messagesPane.ts"
import { failed, toast } from "./toast.ts"

/** The message box: Enter sends, Shift+Enter is a new line, Stop cancels the answer; drafts are kept per session. */
const form = byId("composer", HTMLFormElement)
const input = byId("input", HTMLTextAreaElement)
const sendButton = byId("send", HTMLButtonElement)
const stopButton = byId("stop", HTMLButtonElement)

const draftKey = (sessionId: string) => `draft:${sessionId}`

const autosize = () => {
  input.style.height = "auto"
  input.style.height = `${Math.min(input.scrollHeight + 2, Math.round(innerHeight * 0.4))}px`
}

export const updateComposer = (): void => {
  const streaming = isStreaming()
  stopButton.hidden = !streaming
  sendButton.disabled = input.value.trim() === ""
  form.dataset.streaming = streaming ? "true" : "false"
}

export const showComposer = (visible: boolean): void => {
  form.hidden = !visible
}

export const isComposerShown = (): boolean => !form.hidden

export const focusComposer = (): void => input.focus()

export const loadDraft = (sessionId: string): void => {
  input.value = localStorage.getItem(draftKey(sessionId)) ?? ""
  autosize()
  updateComposer()
}

const saveDraft = () => {
  if (current.sessionId === null) return
  if (input.value) localStorage.setItem(draftKey(current.sessionId), input.value)
  else localStorage.removeItem(draftKey(current.sessionId))
}

const send = async () => {
  const id = current.sessionId
  const content = input.value.trim()
  if (id === null || content === "") return
  if (isStreaming()) {
    toast("Wait for the answer to finish, or stop it (Esc).", "info")
    return
  }
  input.value = ""
  localStorage.removeItem(draftKey(id))
  autosize()
  updateComposer()
  toBottom()
  try {
    await api.post(id, content, newRequestId())
  } catch (e) {
    if (input.value === "") input.value = content
    autosize()
    updateComposer()
    failed("Not sent")(e)
  }
}

export const stopAnswer = async (): Promise<void> => {
  if (current.sessionId === null || !isStreaming()) return
  try {
    await api.cancel(current.sessionId)
  } catch (e) {
    failed("Could not stop")(e)
  }
}

export const wireComposer = (): void => {
  form.addEventListener("submit", (e) => {
    e.preventDefault()
    void send()
  })
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault()
      void send()
    }
  })
  input.addEventListener("input", () => {
    autosize()
    updateComposer()
    saveDraft()
  })
  stopButton.addEventListener("click", () => void stopAnswer())
}
