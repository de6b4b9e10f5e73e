import { Either, ParseResult, Schema } from "effect"

/** What the browser does with data from the server: decoded by the contract's schema, or why not. */
export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string }

/** A decoder for one of the shared schemas (no defaults, no guessing: a missing field is an error). */
export const decoderOf = <A, I>(schema: Schema.Schema<A, I, never>): ((u: unknown) => Decoded<A>) => {
  const decode = Schema.decodeUnknownEither(schema)
  return (u) =>
    Either.match(decode(u), {
      onLeft: (e) => ({ ok: false, error: ParseResult.TreeFormatter.formatErrorSync(e) }),
      onRight: (value) => ({ ok: true, value })
    })
}

export const parseJson = (text: string): unknown => {
  try {
    const value: unknown = JSON.parse(text)
    return value
  } catch {
    return undefined
  }
}
