/** Small real-HTTP helpers for the API tests (fetch). */
export interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly json: unknown
}

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export const call = async (
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {}
): Promise<Answer> => {
  const init: RequestInit = { method, headers: { ...headers } }
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body)
    init.headers = { "content-type": "application/json", ...headers }
  }
  const res = await fetch(base + path, init)
  const text = await res.text()
  return { status: res.status, headers: res.headers, text, json: parse(text) }
}

/** Reads a field path of an untyped JSON value (tests only). */
export const at = (value: unknown, ...path: Array<string | number>): unknown =>
  path.reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? Reflect.get(v, k) : undefined), value)

export const str = (value: unknown, ...path: Array<string | number>): string => {
  const v = at(value, ...path)
  if (typeof v !== "string") throw new Error(`expected a string at ${path.join(".")}, got ${JSON.stringify(v)}`)
  return v
}

export const num = (value: unknown, ...path: Array<string | number>): number => {
  const v = at(value, ...path)
  if (typeof v !== "number") throw new Error(`expected a number at ${path.join(".")}, got ${JSON.stringify(v)}`)
  return v
}
