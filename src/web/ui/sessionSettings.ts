import { api, type GenerationPatch, RequestError } from "../api/client.ts"
import type { Model, SessionSummary } from "../api/types.ts"
import { byId, h, replaceChildren } from "../lib/dom.ts"
import { current } from "../state/current.ts"
import { errorMessage, failed, toast } from "./toast.ts"

/** The open session's model picker and its settings dialog (system prompt and sampling). */
const modelSelect = byId("model", HTMLSelectElement)
const systemButton = byId("system-btn", HTMLButtonElement)
const systemDialog = byId("system-dialog", HTMLDialogElement)
const systemForm = byId("system-form", HTMLFormElement)
const systemText = byId("system-text", HTMLTextAreaElement)
const systemError = byId("system-error", HTMLElement)

/** Each sampling field: its input, where its error shows, and the name the server's 400 uses for it. */
const numberFields = [
  { key: "temperature", input: byId("gen-temperature", HTMLInputElement), error: byId("gen-temperature-error", HTMLElement) },
  { key: "top_p", input: byId("gen-top-p", HTMLInputElement), error: byId("gen-top-p-error", HTMLElement) },
  { key: "max_tokens", input: byId("gen-max-tokens", HTMLInputElement), error: byId("gen-max-tokens-error", HTMLElement) }
] as const
const extraText = byId("gen-extra", HTMLTextAreaElement)
const extraError = byId("gen-extra-error", HTMLElement)
const fieldErrors = [...numberFields.map((f) => ({ key: f.key, input: f.input, error: f.error })), { key: "extra", input: extraText, error: extraError }]

let models: ReadonlyArray<Model> = []

const modelLabel = (id: string) => {
  const ctx = models.find((m) => m.id === id)?.ctx_max
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
    const conv = current.conversation
    if (conv === null) return
    clearErrors()
    systemText.value = conv.systemPrompt
    for (const f of numberFields) {
      const v = conv.generation[f.key]
      f.input.value = v === null ? "" : String(v)
    }
    extraText.value = conv.generation.extra === null ? "" : JSON.stringify(conv.generation.extra, null, 2)
    systemDialog.showModal()
    systemText.focus()
  })
  systemForm.addEventListener("submit", (e) => {
    if (!(e.submitter instanceof HTMLButtonElement) || e.submitter.value !== "save") return
    // The dialog stays open until the server accepts everything; nothing is saved on an error.
    e.preventDefault()
    void save()
  })
}

const showError = (el: HTMLElement, input: HTMLElement | null, message: string) => {
  el.textContent = message
  el.hidden = false
  input?.setAttribute("aria-invalid", "true")
}

const clearErrors = () => {
  for (const el of [systemError, ...fieldErrors.map((f) => f.error)]) {
    el.hidden = true
    el.textContent = ""
  }
  for (const f of fieldErrors) f.input.removeAttribute("aria-invalid")
}

/** The sampling settings as typed (empty: the server's default), or the local error of the extra JSON. */
const readGeneration = (): { ok: true; value: GenerationPatch } | { ok: false; message: string } => {
  const num = (input: HTMLInputElement) => (input.value.trim() === "" ? null : Number(input.value))
  const [temperature, top_p, max_tokens] = numberFields.map((f) => num(f.input))
  const text = extraText.value.trim()
  let extra: unknown = null
  if (text !== "") {
    try {
      // Not an object: sent as it is, so the server's own message names the field.
      extra = JSON.parse(text)
    } catch (err) {
      return { ok: false, message: `extra is not valid JSON: ${err instanceof Error ? err.message : String(err)}` }
    }
  }
  return { ok: true, value: { temperature, top_p, max_tokens, extra } }
}

/**
 * The clause of a 400 that is about `key` ("generation.temperature: temperature must be…; generation: Expected…"
 * becomes "temperature must be…"); the whole message when no clause is.
 */
const fieldMessage = (message: string, key: string): string => {
  const clause = message.split("; ").find((c) => c.includes(key))
  return clause === undefined ? message : clause.replace(/^[\w.]+:\s*/, "")
}

const save = async () => {
  const conv = current.conversation
  if (conv === null) return
  clearErrors()
  const generation = readGeneration()
  if (!generation.ok) {
    showError(extraError, extraText, generation.message)
    extraText.focus()
    return
  }
  const prompt = systemText.value
  const body: { system_prompt?: string; generation?: GenerationPatch } = {}
  if (prompt !== conv.systemPrompt) body.system_prompt = prompt
  if (JSON.stringify(generation.value) !== JSON.stringify(conv.generation)) body.generation = generation.value
  if (body.system_prompt === undefined && body.generation === undefined) {
    systemDialog.close("cancel")
    return
  }
  let saved: SessionSummary
  try {
    saved = await api.patchSession(conv.sessionId, body)
  } catch (e) {
    const message = errorMessage(e, "Could not save the settings.")
    // The server's 400 names the field; show it there.
    const field = e instanceof RequestError && e.status === 400 ? fieldErrors.find((f) => message.includes(f.key)) : undefined
    if (field !== undefined) {
      showError(field.error, field.input, fieldMessage(message, field.key))
      field.error.title = message
      field.input.focus()
    } else showError(systemError, null, message)
    return
  }
  conv.systemPrompt = saved.system_prompt
  conv.generation = saved.generation
  systemDialog.close("save")
  toast("Settings saved", "info")
}
