import { Effect, Exit, Scope } from "effect"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import type { TestProject } from "vitest/node"
import { acquireEmbeddedCluster } from "../../src/infra/db/EmbeddedCluster.ts"

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string
    pgUrlTemplate: string
  }
}

/** One throwaway PostgreSQL cluster per test run; every test file makes its own database in it. */
export default async function setup(project: TestProject) {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "boocode-test-pg-"))
  const scope = Effect.runSync(Scope.make())
  const { cluster } = await Effect.runPromise(Scope.extend(acquireEmbeddedCluster(dataDir), scope))
  project.provide("pgAdminUrl", cluster.url("postgres"))
  project.provide("pgUrlTemplate", cluster.url("DATABASE"))
  return async () => {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    await fs.rm(dataDir, { recursive: true, force: true })
  }
}
