import { spawn } from "node:child_process"
import { promises as fs } from "node:fs"
import * as path from "node:path"
import { git } from "./gitFixture.ts"

export interface HistoryOptions {
  readonly commits: number
  readonly bigLines: number
  /** every how many commits the big file changes (the others touch small files) */
  readonly bigEvery: number
}

/**
 * A repository with a long history, written through `git fast-import`: `commits` commits, one
 * `big.txt` of `bigLines` lines rewritten (a few lines each time) every `bigEvery` commits, and
 * small files in `notes/` changed by the others. The work tree is checked out at the end.
 */
export const makeHistoryRepo = async (dir: string, options: HistoryOptions) => {
  await fs.mkdir(dir, { recursive: true })
  git(dir, ["init", "-q", "-b", "main"])
  const child = spawn("git", ["fast-import", "--quiet"], {
    cwd: dir,
    stdio: ["pipe", "ignore", "inherit"],
    env: { PATH: process.env.PATH ?? "", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", HOME: dir }
  })
  const done = new Promise<void>((resolve, reject) => {
    child.on("error", reject)
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited with ${code}`))))
  })
  const lines = Array.from({ length: options.bigLines }, (_, j) => `line ${j + 1}: initial text of the big file`)
  const authors = ["Ada Lovelace <ada@example.org>", "Alan Turing <alan@example.org>", "Grace Hopper <grace@example.org>"]
  const write = (text: string) => (child.stdin.write(text) ? Promise.resolve() : new Promise<void>((resolve) => child.stdin.once("drain", () => resolve())))
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`
  const start = 1_700_000_000
  for (let i = 1; i <= options.commits; i++) {
    const author = authors[i % authors.length]
    const when = `${start + i * 60} +0000`
    const files: Array<string> = []
    if (i === 1 || i % options.bigEvery === 0) {
      for (let k = 0; k < 5 && i > 1; k++) {
        const j = (i * 7919 + k * 1013) % options.bigLines
        lines[j] = `line ${j + 1}: changed in commit ${i}`
      }
      files.push(`M 100644 inline big.txt\n${data(lines.join("\n") + "\n")}`)
    } else files.push(`M 100644 inline notes/n${i % 50}.txt\n${data(`note from commit ${i}\n`)}`)
    await write(
      `commit refs/heads/main\nmark :${i}\nauthor ${author} ${when}\ncommitter ${author} ${when}\n${data(`Commit number ${i}`)}` +
        (i > 1 ? `from :${i - 1}\n` : "") + files.join("") + "\n"
    )
  }
  child.stdin.end()
  await done
  git(dir, ["checkout", "-q", "-f", "main"])
  return { dir, bigFile: path.join(dir, "big.txt") }
}
