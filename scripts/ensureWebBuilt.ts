import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(import.meta.dirname, "..")
const distIndex = path.join(root, "dist/web/index.html")

const newestMtime = (dir: string): number => {
  let newest = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs)
  }
  return newest
}

/** What the bundle is built from: the client, and the shared contract and schemas it imports from the server's tree. */
const sources = ["src/web", "src/contract", "src/http/api", "src/domain"]

/** Builds the browser client with Vite when dist/web is missing or older than its sources or vite.config.ts. */
export const ensureWebBuilt = (): void => {
  const source = Math.max(...sources.map((dir) => newestMtime(path.join(root, dir))), fs.statSync(path.join(root, "vite.config.ts")).mtimeMs)
  const built = fs.existsSync(distIndex) ? fs.statSync(distIndex).mtimeMs : 0
  if (built >= source) return
  execFileSync(process.execPath, [path.join(root, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn"], {
    cwd: root,
    stdio: "inherit"
  })
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) ensureWebBuilt()
