// Plain JavaScript on purpose: the first module a grep worker runs must load without a loader.
// Running from TypeScript sources it registers tsx on this thread, then loads the real worker.
import { workerData } from "node:worker_threads"

if (workerData.tsx) {
  const { register } = await import("tsx/esm/api")
  register()
}
await import(workerData.entry)
