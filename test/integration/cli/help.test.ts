import { describe, expect, it } from "vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { repoRoot } from "../../support/tsProcess.ts"
import { ESC, runCli, runCliOnTerminal } from "./cliProcess.ts"

/** Every environment variable the server reads through Config (string literals naming one in src/, the browser client aside). */
const configNames = () => {
  const names = new Set<string>()
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name)
      if (entry.isDirectory()) {
        if (p !== path.join(repoRoot, "src/web") && p !== path.join(repoRoot, "src/cli")) walk(p)
      } else if (p.endsWith(".ts")) {
        for (const m of fs.readFileSync(p, "utf8").matchAll(/"((?:BOOCODE|LLM)_[A-Z_]+|DATABASE_URL|HOST|PORT)"/g)) names.add(m[1])
      }
    }
  }
  walk(path.join(repoRoot, "src"))
  return [...names].sort()
}

describe("boocode help", () => {
  it("serve --help names the tool and lists every environment variable the server reads", async () => {
    const run = await runCli(["serve", "--help"])
    expect(run.code).toBe(0)
    expect(run.stdout.split("\n")[0]).toBe("boocode serve: Run the BooCode server and its web UI (migrations first).")
    expect(run.stdout).toContain("\nUsage\n  boocode serve\n")
    expect(run.stdout).not.toContain("$ serve")
    const names = configNames()
    expect(names).toContain("DATABASE_URL")
    expect(names).toContain("BOOCODE_TOKEN")
    expect(names.filter((name) => !run.stdout.includes(name))).toEqual([])
  })

  it("the main help lists every verb, and a verb's help its options", async () => {
    const main = await runCli(["--help"])
    expect(main.code).toBe(0)
    for (const verb of ["serve", "migrate", "verify", "rebuild", "export", "replay"]) expect(main.stdout).toMatch(new RegExp(`\\n  ${verb} +\\S`))
    const exportHelp = await runCli(["export", "--help"])
    expect(exportHelp.stdout).toContain("boocode export SESSION [--format md|json|ndjson]")
    const replayHelp = await runCli(["help", "replay"])
    expect(replayHelp.stdout).toContain("--speed N")
  })

  it("piped output has no ANSI codes; a terminal gets bold headings unless NO_COLOR is set", async () => {
    const piped = await runCli(["serve", "--help"])
    expect(piped.stdout).not.toContain(ESC)
    const terminal = await runCliOnTerminal(["serve", "--help"])
    expect(terminal.code).toBe(0)
    expect(terminal.stdout).toContain(`${ESC}[1mUsage${ESC}[22m`)
    const noColor = await runCliOnTerminal(["serve", "--help"], { NO_COLOR: "1" })
    expect(noColor.stdout).toContain("boocode serve: Run the BooCode server")
    expect(noColor.stdout).not.toContain(ESC)
    // @effect/cli prints its own parse errors in colour: NO_COLOR strips those too.
    const badOption = await runCliOnTerminal(["export", "--format", "xml", "00000000-0000-4000-8000-000000000000"], { NO_COLOR: "1" })
    expect(badOption.code).not.toBe(0)
    expect(badOption.stdout).toContain("md, json, ndjson")
    expect(badOption.stdout).not.toContain(ESC)
  })

  it("an unknown verb is one line on stderr and exit 2", async () => {
    const run = await runCli(["serv"])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe("")
    expect(run.stderr).toBe("boocode: unknown command 'serv' (commands: serve, migrate, verify, rebuild, export, replay; see boocode --help)\n")
  })
})
