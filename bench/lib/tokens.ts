/** The paced fake LLM's tokens: `tok<request>x<index> `, so a client can tell which token arrived when. */
const TOKEN = /tok(\d+x\d+) /g

/** Extracts whole tokens from a growing text, calling `hit` with each key once. */
export const tokenReader = (hit: (key: string) => void) => {
  let buffer = ""
  return (text: string) => {
    buffer += text
    let last = 0
    for (const m of buffer.matchAll(TOKEN)) {
      hit(m[1])
      last = (m.index ?? 0) + m[0].length
    }
    buffer = buffer.slice(last)
  }
}
