import { findUnstorable, toStorable } from "../../domain/storableText.ts"

/** A JSON value with every string (and key) made storable by Postgres; the same shape and lengths. */
const storableJson = (value: unknown): unknown => {
  if (typeof value === "string") return toStorable(value)
  if (Array.isArray(value)) return value.map(storableJson)
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [toStorable(key), storableJson(item)]))
  return value
}

/**
 * The last line of defence before the log: an encoded event still holding a NUL or an unpaired
 * surrogate (Postgres' jsonb refuses both) gets them replaced by U+FFFD, and says where they were,
 * instead of failing the whole append. Callers are meant to have done this where the text came in.
 */
export const storableEncoded = (encoded: unknown): { readonly data: unknown; readonly replacedAt: string | undefined } => {
  const replacedAt = findUnstorable(encoded)
  return replacedAt === undefined ? { data: encoded, replacedAt } : { data: storableJson(encoded), replacedAt }
}
