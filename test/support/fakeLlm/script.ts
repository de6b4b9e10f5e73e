/** What the fake server does for one POST /v1/chat/completions. */
export type Step =
  | { readonly raw: string }
  | { readonly chunk: object }
  | { readonly delayMs: number }
  | { readonly destroy: true }

export interface Script {
  readonly status?: number
  readonly headers?: Readonly<Record<string, string>>
  /** A raw non-SSE body (JSON errors, whole completions); steps are ignored when set. */
  readonly body?: string
  readonly steps: ReadonlyArray<Step>
  /** Write every frame in pieces of N bytes (splits tokens and UTF-8 characters across TCP chunks). */
  readonly splitBytes?: number
}

export const done: Step = { raw: "data: [DONE]\n\n" }

let nextId = 0
const completionId = () => `chatcmpl-fake-${++nextId}`

/** A chunk in the shape OpenAI-compatible servers stream. */
export const chunk = (choices: ReadonlyArray<object>, extra: object = {}): Step => ({
  chunk: { id: completionId(), object: "chat.completion.chunk", created: 0, model: "fake-model", choices, ...extra }
})

export const delta = (d: object, finish_reason: string | null = null): Step =>
  chunk([{ index: 0, delta: d, finish_reason }])

export const splitChars = (text: string, n: number): Array<string> => {
  const chars = Array.from(text) // by code point: never split a surrogate pair inside a JSON chunk
  const out: Array<string> = []
  for (let i = 0; i < chars.length; i += n) out.push(chars.slice(i, i + n).join(""))
  return out
}
