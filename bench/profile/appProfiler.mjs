// Preloaded into the app (NODE_OPTIONS="--import <this file>") by bench/profile/relay.ts: each
// SIGUSR2 toggles a window; at its end the window's CPU profile and the SQL statements the app
// sent (counted by text) are written to PROFILE_DIR (default: the system temp folder).
import { writeFileSync } from "node:fs"
import { Session } from "node:inspector"
import { createRequire } from "node:module"
import * as os from "node:os"
import * as path from "node:path"

const dir = process.env.PROFILE_DIR ?? os.tmpdir()
const pg = createRequire(path.join(process.cwd(), "package.json"))("pg")
const counts = new Map()
let open = false
const query = pg.Client.prototype.query
pg.Client.prototype.query = function (config, ...rest) {
  if (open) {
    const text = (typeof config === "string" ? config : config?.text ?? String(config)).replace(/\s+/g, " ").slice(0, 300)
    counts.set(text, (counts.get(text) ?? 0) + 1)
  }
  return query.call(this, config, ...rest)
}
const session = new Session()
session.connect()
session.post("Profiler.enable")
session.post("Profiler.setSamplingInterval", { interval: 200 })
let window = 0
process.on("SIGUSR2", () => {
  if (!open) {
    open = true
    session.post("Profiler.start")
    return
  }
  open = false
  window++
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1])
  writeFileSync(path.join(dir, `app-${process.pid}-${window}.sql.txt`), sorted.map(([k, v]) => `${v}\t${k}`).join("\n") + "\n")
  counts.clear()
  session.post("Profiler.stop", (_err, result) => {
    writeFileSync(path.join(dir, `app-${process.pid}-${window}.cpuprofile`), JSON.stringify(result.profile))
  })
})
