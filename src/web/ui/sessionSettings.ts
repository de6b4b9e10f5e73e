import { api } from "../api/client.ts"
import type { Model } from "../api/types.ts"
import { byId, h, replaceChildren } from "../lib/dom.ts"
import { current } from "../state/current.ts"
import { failed, toast } from "./toast.ts"

/** The open session's model picker and system prompt dialog. */
const modelSelect = byId("model", HTMLSelectElement)
const systemButton = byId("system-btn", HTMLButtonElement)
const systemDialog = byId("system-dialog", HTMLDialogElement)
const systemText = byId("system-text", HTMLTextAreaElement)

let models: ReadonlyArray<Model> = []

const modelLabel = (id: string) => {
  const ctx = models.find((m) => m.id === id)?.ctx
  return ctx ? `${id} (${Math.round(ctx / 1024)}k ctx)` : id
}

export const renderModels = (): void => {
  const selected = current.conversation?.model ?? ""
  const ids = models.map((m) => m.id)
  // A model the server no longer lists still shows, so the picker does not lie about the session.
  if (selected && !ids.includes(selected)) ids.unshift(selected)
  replaceChildren(modelSelect, h("option", { value: "" }, "Default model"), ...ids.map((id) => h("option", { value: id }, modelLabel(id))))
  modelSelect.value = selected
}

export const loadModels = (): void => {
  void api
    .models()
    .then((m) => {
      models = m
      renderModels()
    })
    .catch(() => undefined)
}

export const wireSessionSettings = (): void => {
  modelSelect.addEventListener("change", async () => {
    const conv = current.conversation
    if (conv === null) return
    const model = modelSelect.value === "" ? null : modelSelect.value
    try {
      await api.patchSession(conv.sessionId, { model })
      conv.model = model ?? ""
      toast(model ? `Model: ${model}` : "Default model", "info")
    } catch (e) {
      modelSelect.value = conv.model
      failed("Could not change the model")(e)
    }
  })
  systemButton.addEventListener("click", () => {
    if (current.conversation === null) return
    systemText.value = current.conversation.systemPrompt
    systemDialog.showModal()
    systemText.focus()
  })
  systemDialog.addEventListener("close", async () => {
    const conv = current.conversation
    if (systemDialog.returnValue !== "save" || conv === null) return
    const text = systemText.value
    try {
      await api.patchSession(conv.sessionId, { system_prompt: text })
      conv.systemPrompt = text
      toast("System prompt saved", "info")
    } catch (e) {
      failed("Could not save the system prompt")(e)
    }
  })
}
