import { Effect } from "effect"
import * as fs from "node:fs/promises"
import * as path from "node:path"

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * After a hard kill of the app, its Postgres keeps running and holds postmaster.pid, and a new
 * start would fail. Ask the leftover server for a fast shutdown and wait for it to go.
 */
export const stopLeftoverPostmaster = (clusterDir: string) =>
  Effect.gen(function* () {
    const pidFile = path.join(clusterDir, "postmaster.pid")
    const content = yield* Effect.promise(() => fs.readFile(pidFile, "utf8").catch(() => ""))
    const pid = Number.parseInt(content.split("\n")[0] ?? "", 10)
    if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return
    yield* Effect.logWarning(`stopping a PostgreSQL left running in ${clusterDir} (pid ${pid})`)
    yield* Effect.sync(() => process.kill(pid, "SIGINT"))
    for (let i = 0; i < 200 && alive(pid); i++) yield* Effect.sleep("50 millis")
    if (alive(pid)) yield* Effect.sync(() => process.kill(pid, "SIGKILL"))
  })
