/**
 * Where an append's and a read's time goes, BooCode vs Emmett: for each store and workload, the
 * rate, and the CPU per operation spent in this Node process and in the PostgreSQL server
 * processes (from /proc), so what is left is waiting (WAL flush, locks).
 *
 *   node --import tsx bench/profile/eventStore.ts [seconds]
 */
import * as fs from "node:fs"
import { appendRate, boocodeStore, emmettStore, fill, readRate, type Store } from "../figures/eventStore.ts"
import { startCluster } from "../lib/db.ts"

const seconds = Number(process.argv[2] ?? "3")
const ticks = 100 // USER_HZ

/** CPU seconds of every process whose command line names the cluster's data folder, and their children. */
const postgresCpu = (dataDir: string): number => {
  let total = 0
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8")
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"))
      if (!comm.startsWith("postgres")) continue
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
      total += (Number(fields[11]) + Number(fields[12])) / ticks
    } catch {
      // gone
    }
  }
  void dataDir
  return total
}

const nodeCpu = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

const measure = async (name: string, dataDir: string, ops: () => Promise<number>) => {
  const p0 = postgresCpu(dataDir)
  const n0 = nodeCpu()
  const t0 = performance.now()
  const count = await ops()
  const wall = (performance.now() - t0) / 1000
  const pg = postgresCpu(dataDir) - p0
  const node = nodeCpu() - n0
  console.log(
    `${name.padEnd(28)} ${(count / wall).toFixed(0).padStart(6)}/s  node ${((node / count) * 1e6).toFixed(0).padStart(5)} µs/op  pg ${((pg / count) * 1e6).toFixed(0).padStart(5)} µs/op  wall ${((wall / count) * 1e6).toFixed(0).padStart(5)} µs/op`
  )
}

const cluster = await startCluster()
try {
  const stores: Array<[string, Store]> = [
    ["boocode", await boocodeStore(await cluster.newDatabase("p_boocode"))],
    ["emmett", await emmettStore(await cluster.newDatabase("p_emmett"))]
  ]
  for (const [, store] of stores) for (const writers of [8, 1]) await appendRate(store, writers, 1)
  for (const writers of [1, 8])
    for (const [name, store] of stores)
      await measure(`${name} appends ×${writers}`, cluster.dataDir, async () => Math.round((await appendRate(store, writers, seconds)) * seconds))
  for (const [name, store] of stores) {
    const stream = await fill(store, 1000)
    await measure(`${name} reads (1000 events)`, cluster.dataDir, async () => Math.round((await readRate(store, stream, 1000, seconds)) * seconds))
  }
  for (const [, store] of stores) await store.close()
} finally {
  await cluster.close()
}
