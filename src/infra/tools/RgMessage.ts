import { Schema } from "effect"

/** ripgrep --json gives text as UTF-8 `text` or, when not valid UTF-8, base64 `bytes`. */
const Data = Schema.Union(Schema.Struct({ text: Schema.String }), Schema.Struct({ bytes: Schema.String }))

const LineData = Schema.Struct({
  path: Data,
  lines: Data,
  line_number: Schema.NullOr(Schema.Number)
})

export const RgMessage = Schema.Union(
  Schema.Struct({ type: Schema.Literal("begin"), data: Schema.Struct({ path: Data }) }),
  Schema.Struct({ type: Schema.Literal("end"), data: Schema.Struct({ path: Data }) }),
  Schema.Struct({ type: Schema.Literal("match"), data: LineData }),
  Schema.Struct({ type: Schema.Literal("context"), data: LineData }),
  Schema.Struct({ type: Schema.Literal("summary") })
)
export type RgMessage = typeof RgMessage.Type

export const decodeRgLine = Schema.decodeUnknownEither(Schema.parseJson(RgMessage))

export const dataText = (data: typeof Data.Type): string =>
  "text" in data ? data.text : Buffer.from(data.bytes, "base64").toString("utf8")
