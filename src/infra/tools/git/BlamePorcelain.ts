/** One blamed line: the commit that last changed it, and the line as it is. */
export interface BlameLine {
  readonly hash: string
  readonly author: string
  /** YYYY-MM-DD in the author's own time zone */
  readonly date: string
  readonly line: number
  readonly text: string
}

interface CommitInfo {
  author: string
  time: number
  tz: string
}

const header = /^([0-9a-f]{40,64}) (\d+) (\d+)/

const dateOf = (info: CommitInfo): string => {
  const tz = /^([+-])(\d\d)(\d\d)$/.exec(info.tz)
  const offset = tz === null ? 0 : (tz[1] === "-" ? -1 : 1) * (Number(tz[2]) * 60 + Number(tz[3]))
  return new Date((info.time + offset * 60) * 1000).toISOString().slice(0, 10)
}

/** Parses `git blame --porcelain`: commit details come once per commit, then each line is a header and a TAB-led text. */
export const parseBlame = (text: string): ReadonlyArray<BlameLine> => {
  const commits = new Map<string, CommitInfo>()
  const out: Array<BlameLine> = []
  let current: { hash: string; line: number } | null = null
  for (const raw of text.split("\n")) {
    if (raw.startsWith("\t")) {
      if (current === null) continue
      const info = commits.get(current.hash)
      out.push({
        hash: current.hash,
        author: info?.author ?? "",
        date: info === undefined ? "" : dateOf(info),
        line: current.line,
        text: raw.slice(1)
      })
      current = null
      continue
    }
    const head = header.exec(raw)
    if (head !== null) {
      current = { hash: head[1], line: Number(head[3]) }
      if (!commits.has(head[1])) commits.set(head[1], { author: "", time: 0, tz: "+0000" })
      continue
    }
    const info = current === null ? undefined : commits.get(current.hash)
    if (info === undefined) continue
    if (raw.startsWith("author ")) info.author = raw.slice("author ".length)
    else if (raw.startsWith("author-time ")) info.time = Number(raw.slice("author-time ".length))
    else if (raw.startsWith("author-tz ")) info.tz = raw.slice("author-tz ".length)
  }
  return out
}
