import { Schema } from "effect"

/** An integer argument, inlined in the JSON Schema (Schema.Int would become a $ref). */
export const intArg = (min: number, max?: number) =>
  max === undefined
    ? Schema.Number.pipe(Schema.int(), Schema.greaterThanOrEqualTo(min))
    : Schema.Number.pipe(Schema.int(), Schema.between(min, max))
