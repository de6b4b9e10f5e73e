/**
 * A tiny decoder library for data from the server: every REST body and WebSocket frame goes
 * through one of these before the UI touches it (decode, don't cast). Small and fast on the
 * delta hot path, and no runtime dependency in the bundle.
 */
export class DecodeError extends Error {
  constructor(readonly path: string, readonly expected: string, readonly actual: unknown) {
    super(`${path || "value"}: expected ${expected}, got ${describe(actual)}`)
  }
}

const describe = (u: unknown): string =>
  u === null ? "null" : Array.isArray(u) ? "array" : typeof u === "string" ? JSON.stringify(u.slice(0, 40)) : typeof u

export type Decoder<T> = (u: unknown, path: string) => T
export type TypeOf<D> = D extends Decoder<infer T> ? T : never

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

export const string: Decoder<string> = (u, path) => {
  if (typeof u !== "string") throw new DecodeError(path, "string", u)
  return u
}

export const number: Decoder<number> = (u, path) => {
  if (typeof u !== "number" || !Number.isFinite(u)) throw new DecodeError(path, "number", u)
  return u
}

export const boolean: Decoder<boolean> = (u, path) => {
  if (typeof u !== "boolean") throw new DecodeError(path, "boolean", u)
  return u
}

export const unknown: Decoder<unknown> = (u) => u

export const literal =
  <const L extends ReadonlyArray<string>>(...values: L): Decoder<L[number]> =>
  (u, path) => {
    const found = values.find((v) => v === u)
    if (found === undefined) throw new DecodeError(path, values.join("|"), u)
    return found
  }

export const nullable =
  <T>(d: Decoder<T>): Decoder<T | null> =>
  (u, path) =>
    u === null ? null : d(u, path)

/** A field that may be missing (or null): the fallback stands in. */
export const withDefault =
  <T>(d: Decoder<T>, fallback: T): Decoder<T> =>
  (u, path) =>
    u === undefined || u === null ? fallback : d(u, path)

/** Missing or null becomes undefined. */
export const optional =
  <T>(d: Decoder<T>): Decoder<T | undefined> =>
  (u, path) =>
    u === undefined || u === null ? undefined : d(u, path)

/** Missing stays undefined, null stays null: for patches where null means "cleared". */
export const maybe =
  <T>(d: Decoder<T>): Decoder<T | null | undefined> =>
  (u, path) =>
    u === undefined ? undefined : u === null ? null : d(u, path)

export const array =
  <T>(d: Decoder<T>): Decoder<ReadonlyArray<T>> =>
  (u, path) => {
    if (!Array.isArray(u)) throw new DecodeError(path, "array", u)
    return u.map((item: unknown, i) => d(item, `${path}[${i}]`))
  }

export const record =
  <T>(d: Decoder<T>): Decoder<Readonly<Record<string, T>>> =>
  (u, path) => {
    if (!isRecord(u)) throw new DecodeError(path, "object", u)
    const out: Record<string, T> = {}
    for (const [k, v] of Object.entries(u)) out[k] = d(v, `${path}.${k}`)
    return out
  }

/** Numbers only, other values dropped: for loose maps such as llama.cpp's `timings`. */
export const numberMap: Decoder<Readonly<Record<string, number>>> = (u, path) => {
  if (!isRecord(u)) throw new DecodeError(path, "object", u)
  const out: Record<string, number> = {}
  for (const [k, v] of Object.entries(u)) if (typeof v === "number" && Number.isFinite(v)) out[k] = v
  return out
}

type Shape = Readonly<Record<string, Decoder<unknown>>>
export type StructOf<S extends Shape> = { readonly [K in keyof S]: TypeOf<S[K]> }

/** An object with the given fields (extra fields ignored). */
export const struct =
  <S extends Shape>(shape: S): Decoder<StructOf<S>> =>
  (u, path) => {
    if (!isRecord(u)) throw new DecodeError(path, "object", u)
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(shape)) out[key] = shape[key](u[key], path ? `${path}.${key}` : key)
    // Every key of `shape` was decoded by its own decoder just above: this is the checked step.
    return out as StructOf<S>
  }

export const map =
  <A, B>(d: Decoder<A>, f: (a: A) => B): Decoder<B> =>
  (u, path) =>
    f(d(u, path))

/** Picks a decoder by the value of a tag field. */
export const tagged =
  <K extends string, M extends Readonly<Record<string, Decoder<unknown>>>>(
    key: K,
    members: M
  ): Decoder<TypeOf<M[keyof M]>> =>
  (u, path) => {
    if (!isRecord(u)) throw new DecodeError(path, "object", u)
    const tag = u[key]
    if (typeof tag !== "string" || !Object.hasOwn(members, tag)) throw new DecodeError(`${path}.${key}`, "a known tag", tag)
    const d: Decoder<unknown> = members[tag]
    // `d` is the member decoder chosen by the tag, so its result is that member's type.
    return d(u, path) as TypeOf<M[keyof M]>
  }

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: DecodeError }

export const decode = <T>(d: Decoder<T>, u: unknown): Result<T> => {
  try {
    return { ok: true, value: d(u, "") }
  } catch (e) {
    if (e instanceof DecodeError) return { ok: false, error: e }
    throw e
  }
}

export const parseJson = (text: string): unknown => {
  try {
    const value: unknown = JSON.parse(text)
    return value
  } catch {
    return undefined
  }
}
