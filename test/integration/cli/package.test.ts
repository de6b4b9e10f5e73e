import { execFile } from "node:child_process"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { promisify } from "node:util"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { freePort } from "../../../src/infra/net/freePort.ts"
import { freshDatabaseUrl } from "../../support/testDatabase.ts"
import { repoRoot } from "../../support/tsProcess.ts"
import { startServer, stopServer, waitForHealth } from "./serverProcess.ts"

const run = promisify(execFile)

/** npm without its update check or install-time analytics, quiet. */
const npmEnv = { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false", SCARF_ANALYTICS: "false" }

describe("the packed package", () => {
  let temp = ""
  let tarball = ""
  let prefix = ""

  beforeAll(async () => {
    temp = await fs.mkdtemp(path.join(os.tmpdir(), "boocode-pack-"))
    await run("npm", ["pack", "--pack-destination", temp], { cwd: repoRoot, env: npmEnv, maxBuffer: 64 * 1024 * 1024 })
    const packed = (await fs.readdir(temp)).filter((f) => f.endsWith(".tgz"))
    expect(packed).toEqual([expect.stringMatching(/^boocode-\d+\.\d+\.\d+\.tgz$/)])
    tarball = path.join(temp, packed[0])
    prefix = path.join(temp, "prefix")
    await run("npm", ["install", "--global", "--prefix", prefix, "--prefer-offline", tarball], { cwd: temp, env: npmEnv, maxBuffer: 64 * 1024 * 1024 })
  }, 420_000)

  afterAll(async () => {
    if (temp !== "") await fs.rm(temp, { recursive: true, force: true })
  })

  it("holds the bin, the sources, the migrations and the built web client, and no tests, bench or screenshots", async () => {
    const listed = (await run("tar", ["-tzf", tarball], { maxBuffer: 16 * 1024 * 1024 })).stdout.trim().split("\n")
    expect(listed).toContain("package/bin/boocode.js")
    expect(listed).toContain("package/src/cli.ts")
    expect(listed).toContain("package/migrations/index.ts")
    expect(listed).toContain("package/dist/web/index.html")
    expect(listed).toContain("package/README.md")
    const outside = listed.filter((f) => !/^package\/(bin|src|migrations|dist\/web)\//.test(f) && !/^package\/(package\.json|README\.md|LICENSE[^/]*)$/.test(f))
    expect(outside).toEqual([])
  })

  it("installs a boocode command that serves the web UI and the API, and stops on SIGTERM", async () => {
    const databaseUrl = await Effect.runPromise(freshDatabaseUrl)
    const port = await Effect.runPromise(freePort)
    const base = `http://127.0.0.1:${port}`
    const env: Record<string, string | undefined> = {
      PATH: `${path.join(prefix, "bin")}:${process.env.PATH ?? ""}`,
      HOME: process.env.HOME,
      DATABASE_URL: databaseUrl,
      HOST: "127.0.0.1",
      PORT: String(port),
      LLM_BASE_URL: "http://127.0.0.1:9"
    }
    // From a folder that is not the repository: the web client must come from the package.
    const server = startServer(path.join(prefix, "bin", "boocode"), ["serve"], { cwd: temp, env })
    try {
      await waitForHealth(server, base, 150_000)
      const page = await fetch(`${base}/`)
      expect(page.status).toBe(200)
      expect(page.headers.get("content-type")).toContain("text/html")
      const installedIndex = await fs.readFile(path.join(prefix, "lib/node_modules/boocode/dist/web/index.html"), "utf8")
      const script = /<script[^>]+src="([^"]+\.js)"/.exec(installedIndex)?.[1]
      expect(script).toMatch(/^\/assets\//)
      expect(await page.text()).toContain(script)
      const asset = await fetch(`${base}${script}`)
      expect(asset.status).toBe(200)
      const health = await fetch(`${base}/api/health`)
      expect(health.status).toBe(200)
      expect(await health.json()).toEqual({ status: "ok" })
    } finally {
      const stopped = await stopServer(server, 10_000)
      expect(stopped).toMatchObject({ code: 0, signal: null })
    }
  }, 240_000)
})
