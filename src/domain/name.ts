import { Either, Schema } from "effect"
import { HttpApiSchema } from "@effect/platform"

export const NAME_MAX_LENGTH = 120

export class InvalidName extends Schema.TaggedError<InvalidName>()(
  "InvalidName",
  { name: Schema.String },
  HttpApiSchema.annotations({ status: 400 })
) {
  get message(): string {
    return `A name must be 1 to ${NAME_MAX_LENGTH} characters once trimmed (got ${this.name.trim().length})`
  }
}

/** Trims a name and checks its length (1..120 UTF-16 code units). */
export const normalizeName = (raw: string): Either.Either<string, InvalidName> => {
  const name = raw.trim()
  return name.length >= 1 && name.length <= NAME_MAX_LENGTH
    ? Either.right(name)
    : Either.left(new InvalidName({ name: raw }))
}
