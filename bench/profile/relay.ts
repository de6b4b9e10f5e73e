/**
 * The relay figure's workload, for profiling the app: one warm-up run, then PROFILE_RUNS runs (default
 * 2) of PROFILE_SESSIONS sessions (default 50) × PROFILE_TOKENS tokens (default 50) at 50 tokens/s.
 * The app runs with appProfiler.mjs preloaded; the measured runs are one profiling window, written
 * to PROFILE_DIR (default: the system temp folder) as a .cpuprofile and the SQL statements by text.
 *
 *   PROFILE_DIR=/some/folder node --import tsx bench/profile/relay.ts
 */
import * as os from "node:os"
import * as path from "node:path"
import { runRelay } from "../figures/live.ts"
import { startCluster } from "../lib/db.ts"
import { projectFolder, startApp, str } from "../lib/server.ts"
import { sleep } from "../lib/stats.ts"
import { startTimedLlm } from "../lib/timedLlm.ts"

const sessions = Number(process.env.PROFILE_SESSIONS ?? "50")
const runs = Number(process.env.PROFILE_RUNS ?? "2")
const tokens = Number(process.env.PROFILE_TOKENS ?? "50")
const dir = process.env.PROFILE_DIR ?? os.tmpdir()

const cluster = await startCluster()
const llm = await startTimedLlm()
const folder = await projectFolder()
const app = await startApp(await cluster.newDatabase("bench_profile"), llm.url, {
  NODE_OPTIONS: `--import ${path.join(import.meta.dirname, "appProfiler.mjs")}`,
  PROFILE_DIR: dir
})
try {
  const projectId = str(await app.api("POST", "/api/projects", { path: folder.root }), "id")
  await runRelay(app, llm, projectId, { levels: [sessions], runs: 1, tokens, tokensPerSecond: 50 }, (l) => console.log(`warm-up ${l}`))
  process.kill(app.pid, "SIGUSR2")
  await runRelay(app, llm, projectId, { levels: [sessions], runs, tokens, tokensPerSecond: 50 }, (l) => console.log(l))
  process.kill(app.pid, "SIGUSR2")
  await sleep(1000)
  console.log(`profile and statements of ${sessions * runs} turns (with their sessions' creation) in ${dir} (app-${app.pid}-1.*)`)
} finally {
  await app.stop()
  await llm.close()
  await folder.remove()
  await cluster.close()
}
