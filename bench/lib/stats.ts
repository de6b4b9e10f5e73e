/** Small numeric helpers for the bench: percentiles, min/median/max, formatting. */

export const sorted = (values: ReadonlyArray<number>): Array<number> => [...values].sort((a, b) => a - b)

/** Nearest-rank percentile (p in 0..100) of the values; NaN when empty. */
export const percentile = (values: ReadonlyArray<number>, p: number): number => {
  if (values.length === 0) return Number.NaN
  const s = sorted(values)
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))
  return s[rank]
}

export interface Spread {
  readonly min: number
  readonly median: number
  readonly max: number
  readonly runs: number
}

export const spread = (values: ReadonlyArray<number>): Spread => {
  const s = sorted(values)
  return { min: s[0] ?? Number.NaN, median: percentile(s, 50), max: s[s.length - 1] ?? Number.NaN, runs: s.length }
}

/** A number with a sensible count of significant digits and thousands separators. */
export const fmt = (value: number, digits = 3): string => {
  if (!Number.isFinite(value)) return "n/a"
  const abs = Math.abs(value)
  if (abs >= 1000) return Math.round(value).toLocaleString("en-US")
  if (abs === 0) return "0"
  return Number(value.toPrecision(digits)).toLocaleString("en-US", { maximumFractionDigits: 6 })
}

/** "min / **median** / max" for a table cell. */
export const cell = (s: Spread, unit = "", digits = 3): string =>
  `${fmt(s.min, digits)} / **${fmt(s.median, digits)}** / ${fmt(s.max, digits)}${unit === "" ? "" : ` ${unit}`}`

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Runs `f` n times in sequence and collects the results. */
export const repeat = async <A>(n: number, f: (run: number) => Promise<A>): Promise<Array<A>> => {
  const out: Array<A> = []
  for (let i = 0; i < n; i++) out.push(await f(i))
  return out
}

/** A deterministic PRNG (mulberry32), so every run generates the same text and trees. */
export const prng = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const WORDS = (
  "the a function returns value when file path module import export const let type interface stream event " +
  "session message reply token offset version append read write batch flush server client socket database " +
  "postgres query index table row column error retry timeout cancel interrupt replay fold state schema " +
  "because therefore however which means that this is how we handle each case in order to keep it simple " +
  "line code test build run start stop open close parse decode encode json text string number array object"
).split(" ")

const SYLLABLES = "ka ro mi te su na lo ve pri stra con ment ing ex de re un tion al er or an qu ish ble ty ful ness".split(" ")

/** 2,000 pseudo-words, so the text compresses about as badly as real prose (pglz finds few repeats). */
const VOCABULARY = (() => {
  const next = prng(2024)
  const out = [...WORDS]
  while (out.length < 2000) {
    const n = 1 + Math.floor(next() * 3)
    out.push(Array.from({ length: n }, () => SYLLABLES[Math.floor(next() * SYLLABLES.length)]).join(""))
  }
  return out
})()

/** Prose-like text of `chars` characters (words, punctuation, newlines), seeded. */
export const proseText = (chars: number, seed = 42): string => {
  const next = prng(seed)
  const WORDS = VOCABULARY
  let out = ""
  let sentence = 0
  while (out.length < chars) {
    const word = WORDS[Math.floor(next() * WORDS.length)]
    out += sentence === 0 ? word[0].toUpperCase() + word.slice(1) : word
    sentence++
    if (sentence > 6 && next() < 0.15) {
      out += next() < 0.2 ? ".\n\n" : ". "
      sentence = 0
    } else out += next() < 0.05 ? ", " : " "
  }
  return out.slice(0, chars)
}
