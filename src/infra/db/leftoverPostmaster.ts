import { Effect } from "effect"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { pidAlive } from "./clusterLock.ts"

/**
 * A PostgreSQL left running in the cluster folder by an owner that is gone (a hard kill of the
 * app leaves its Postgres behind, holding postmaster.pid, and a new start would fail). Only the
 * new owner calls this (see clusterLock.ts): a cluster whose owner is alive is joined, never
 * stopped. Asks for a fast shutdown and waits for it to go.
 */
export const stopLeftoverPostmaster = (clusterDir: string) =>
  Effect.gen(function* () {
    const pidFile = path.join(clusterDir, "postmaster.pid")
    const content = yield* Effect.promise(() => fs.readFile(pidFile, "utf8").catch(() => ""))
    const pid = Number.parseInt(content.split("\n")[0] ?? "", 10)
    if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return
    yield* Effect.logWarning(`stopping a PostgreSQL left running in ${clusterDir} by a BooCode that is gone (pid ${pid})`)
    yield* Effect.sync(() => process.kill(pid, "SIGINT"))
    for (let i = 0; i < 200 && pidAlive(pid); i++) yield* Effect.sleep("50 millis")
    if (pidAlive(pid)) yield* Effect.sync(() => process.kill(pid, "SIGKILL"))
  })
