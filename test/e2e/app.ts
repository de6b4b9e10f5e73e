import { Effect, Exit, Scope } from "effect"
import * as path from "node:path"
import type { FakeLlm } from "../support/fakeLlm/index.ts"
import { acquireTestApp } from "../support/testApp.ts"

export interface E2eApp {
  readonly url: string
  readonly fakeLlm: FakeLlm
  close(): Promise<void>
}

const webDir = path.resolve(import.meta.dirname, "../../dist/web")

/** The real app (production AppLive, fresh database, fake LLM) serving the built client from dist/web. */
export const startApp = async (): Promise<E2eApp> => {
  const scope = Effect.runSync(Scope.make())
  const app = await Effect.runPromise(
    Scope.extend(acquireTestApp({ env: { BOOCODE_WEB_DIR: webDir, BOOCODE_FLUSH_INTERVAL: "100 millis" } }), scope)
  )
  return {
    url: app.url,
    fakeLlm: app.fakeLlm,
    close: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

/**
 * Closes the app, waiting at most 10 s. Known server issue (reported): after a page reload
 * mid-answer the shutdown can wait on the dropped session socket; do not let that hold the suite.
 */
export const stopApp = async (app: E2eApp | undefined) => {
  if (app === undefined) return
  const closed = await Promise.race([
    app.close().then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000))
  ])
  if (!closed) console.warn("e2e: the app did not shut down within 10 s")
}
