import { execFile } from "node:child_process"
import { describe, expect, it } from "vitest"

const run = (env: Record<string, string>) =>
  new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/main.ts"],
      {
        // An unreachable database: the refusal must come before anything connects.
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATABASE_URL: "postgres://nobody@127.0.0.1:1/none", ...env },
        timeout: 60_000
      },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, output: stdout + stderr })
    )
  })

describe("binding beyond loopback", () => {
  it("refuses to start on 0.0.0.0 without BOOCODE_TOKEN, and says how to fix it", async () => {
    const { code, output } = await run({ HOST: "0.0.0.0", PORT: "4999" })
    expect(code).not.toBe(0)
    expect(output).toContain("without BOOCODE_TOKEN")
  }, 60_000)
})
