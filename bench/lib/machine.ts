import * as os from "node:os"

export interface Machine {
  readonly cpu: string
  readonly cores: number
  readonly ramGiB: number
  readonly node: string
  readonly platform: string
}

export const machine = (): Machine => ({
  cpu: os.cpus()[0]?.model.trim() ?? "unknown",
  cores: os.availableParallelism(),
  ramGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
  node: process.version,
  platform: `${os.type()} ${os.release()} (${os.arch()})`
})

/** Resident set size of a process in bytes, from /proc (Linux); the caller's own when pid is omitted. */
export const rssOf = async (pid?: number): Promise<number> => {
  if (pid === undefined) return process.memoryUsage.rss()
  const { readFile } = await import("node:fs/promises")
  const status = await readFile(`/proc/${pid}/status`, "utf8")
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(status)
  return match ? Number(match[1]) * 1024 : Number.NaN
}
