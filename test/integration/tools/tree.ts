import { execFileSync } from "node:child_process"
import { promises as fs } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

export interface Tree {
  /** temp dir holding root, its sibling and the outside dir */
  readonly base: string
  /** the project root (not realpath'd: os.tmpdir() may itself be a symlink) */
  readonly root: string
  readonly cleanup: () => Promise<void>
}

/** Writes files (path -> content) under dir, creating parents. */
export const writeFiles = async (dir: string, files: Record<string, string | Buffer>) => {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel)
    await fs.mkdir(path.dirname(file), { recursive: true })
    await fs.writeFile(file, content)
  }
}

export const makeTempBase = async (prefix: string) => fs.mkdtemp(path.join(os.tmpdir(), prefix))

const lines = (n: number, make: (i: number) => string) => Array.from({ length: n }, (_, i) => make(i + 1)).join("\n") + "\n"

/** The shared fixture: symlinks in and out, a sibling named like the root, a loop, a FIFO, huge files, secrets. */
export const makeTree = async (): Promise<Tree> => {
  const base = await makeTempBase("boocode-tools-")
  const root = path.join(base, "proj")
  await writeFiles(path.join(base, "outside"), { "secret.txt": "OUTSIDE SECRET needle\n" })
  await writeFiles(path.join(base, "proj2"), { "leak.txt": "SIBLING SECRET needle\n" })
  await writeFiles(root, {
    "README.md": "# Project\nneedle in readme\n",
    "src/a.ts": "export const alpha = 1\n// needle one\nconst Beta = 2\nconst gamma = 3\n// NEEDLE two\nconst delta = 4\n",
    "src/b.ts": "import { alpha } from './a'\nexport const b = alpha\n",
    "src/nested/deep/c.ts": "deep needle\n",
    "src/crlf.txt": "first needle\r\nsecond\r\n",
    "docs/guide.md": "guide needle\n",
    ".gitignore": "dist/\n*.log\n!keep.log\n",
    "keep.log": "kept log\n",
    "dist/out.js": "needle in dist\n",
    "app.log": "needle in log\n",
    "src/.gitignore": "generated.ts\n",
    "src/generated.ts": "needle generated\n",
    ".env": "API_KEY=needle-secret\n",
    ".env.local": "API_KEY=needle-local\n",
    "config/id_rsa": "-----BEGIN needle PRIVATE KEY-----\n",
    "keys/server.pem": "needle pem\n",
    ".git/config": "[core] needle\n",
    "many.txt": lines(3000, (i) => `line ${i}`),
    "image.bin": Buffer.concat([Buffer.from("needle"), Buffer.alloc(64), Buffer.from("needle")]),
    "long-line.txt": "x".repeat(10 * 1024 * 1024) + "needle\nsecond line\n"
  })
  await fs.symlink("src/a.ts", path.join(root, "link-inside"))
  await fs.symlink("src", path.join(root, "dirlink-inside"))
  await fs.symlink("../outside/secret.txt", path.join(root, "link-out"))
  await fs.symlink("../outside", path.join(root, "dirlink-out"))
  await fs.symlink(path.join(base, "proj2", "leak.txt"), path.join(root, "abs-link-out"))
  await fs.symlink(".env", path.join(root, "env-link"))
  await fs.symlink("loop-b", path.join(root, "loop-a"))
  await fs.symlink("loop-a", path.join(root, "loop-b"))
  execFileSync("mkfifo", [path.join(root, "fifo")])
  const big = await fs.open(path.join(root, "big.bin"), "w")
  await big.truncate(2 * 1024 * 1024 * 1024)
  await big.close()
  const zeros = await fs.open(path.join(root, "zeros-line.bin"), "w")
  await zeros.truncate(50 * 1024 * 1024)
  await zeros.close()
  return { base, root, cleanup: () => fs.rm(base, { recursive: true, force: true }) }
}
