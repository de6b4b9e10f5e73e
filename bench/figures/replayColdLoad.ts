import { execFile } from "node:child_process"
import * as path from "node:path"
import { promisify } from "node:util"
import { Effect, Layer, ManagedRuntime } from "effect"
import { SessionId, type SessionState } from "../../src/domain/index.ts"
import { SessionRepository } from "../../src/infra/repositories/SessionRepository.ts"
import { storeLayer } from "../lib/db.ts"

/**
 * A restarted server's first load of a session, in a process of its own: nothing compiled or
 * warmed by the bench before (Schema parsers, the JIT, the pool). The process connects first, as
 * a server does before it serves, then times SessionRepository.load once.
 */
export interface ColdLoad {
  readonly seconds: number
  readonly version: number
  readonly messages: number
  /** Characters of content and reasoning over all messages: the text came back whole. */
  readonly chars: number
}

export const textChars = (state: SessionState) => state.messages.reduce((n, m) => n + m.content.length + m.reasoning.length, 0)

const here = import.meta.filename

/** Runs this file as a child process against `url` and returns what it measured. */
export const coldLoad = async (url: string, sessionId: string): Promise<ColdLoad> => {
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", here, url, sessionId], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    maxBuffer: 1 << 20
  })
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as ColdLoad
}

const main = async (url: string, sessionId: string) => {
  const runtime = ManagedRuntime.make(SessionRepository.layer.pipe(Layer.provideMerge(storeLayer(url, 4))))
  try {
    await runtime.runtime()
    const t = performance.now()
    const loaded = await runtime.runPromise(Effect.flatMap(SessionRepository, (r) => r.load(SessionId.make(sessionId))))
    const seconds = (performance.now() - t) / 1000
    process.stdout.write(`${JSON.stringify({ seconds, version: loaded.version, messages: loaded.state.messages.length, chars: textChars(loaded.state) } satisfies ColdLoad)}\n`)
  } finally {
    await runtime.dispose()
  }
}

if (process.argv[1] === here) {
  const [url, sessionId] = process.argv.slice(2)
  await main(url, sessionId)
}
