import { Effect } from "effect"
import { spawn } from "node:child_process"
import { constants, promises as fs } from "node:fs"
import * as path from "node:path"
import { ToolError } from "../ToolError.ts"

/** The first executable `git` on PATH, or null. */
export const findGit = Effect.fn("Git.find")(function* (pathEnv: string) {
  for (const dir of pathEnv.split(path.delimiter).filter((d) => d !== "")) {
    const candidate = path.join(dir, "git")
    const ok = yield* Effect.tryPromise(() => fs.access(candidate, constants.X_OK)).pipe(
      Effect.as(true),
      Effect.orElseSucceed(() => false)
    )
    if (ok) return candidate
  }
  return null
})

/**
 * The whole environment git gets: no system or user config, no prompts, no optional lock (so no
 * index refresh is written), no pager, no lazy fetch; nothing inherited from the server's env.
 */
export const gitEnv = (pathEnv: string): Readonly<Record<string, string>> => ({
  PATH: pathEnv,
  HOME: "/nonexistent",
  XDG_CONFIG_HOME: "/nonexistent",
  LC_ALL: "C",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_ATTR_NOSYSTEM: "1",
  GIT_TERMINAL_PROMPT: "0",
  GIT_OPTIONAL_LOCKS: "0",
  GIT_NO_LAZY_FETCH: "1",
  GIT_NO_REPLACE_OBJECTS: "1",
  GIT_PAGER: "cat",
  PAGER: "cat"
})

/**
 * Settings placed before every subcommand. Command-line settings win over every config file, so a
 * repository cannot switch these back on.
 */
export const hardeningFlags: ReadonlyArray<string> = [
  "--no-pager",
  ...[
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.sshCommand=",
    "core.askPass=",
    "core.untrackedCache=false",
    "core.quotePath=true",
    "protocol.allow=never",
    "credential.helper=",
    "diff.external=",
    "diff.noprefix=false",
    "diff.mnemonicPrefix=false",
    "diff.relative=false",
    "log.showSignature=false",
    "gpg.program=/bin/false",
    "gpg.ssh.program=/bin/false",
    "gpg.x509.program=/bin/false",
    "submodule.recurse=false",
    "diff.ignoreSubmodules=all",
    "i18n.logOutputEncoding=UTF-8",
    "color.ui=never",
    "mailmap.file=",
    "mailmap.blob=",
    "blame.ignoreRevsFile="
  ].flatMap((setting) => ["-c", setting])
]

export interface GitOutput {
  readonly stdout: string
  /** bytes of stdout read */
  readonly bytes: number
  /** stdout went past maxBytes: the rest was not read and git was stopped */
  readonly cut: boolean
  readonly code: number | null
  readonly stderr: string
}

export interface GitCall {
  readonly git: string
  readonly env: Readonly<Record<string, string>>
  readonly cwd: string
  /** everything after the hardening flags: `-c` overrides, the subcommand, its options */
  readonly args: ReadonlyArray<string>
  readonly maxBytes: number
}

/**
 * Runs git with an argv (never a shell), reading at most `maxBytes` of stdout. Interruption (a
 * cancel, the tool's time limit) kills git at once.
 */
export const runGit = (call: GitCall) =>
  Effect.async<GitOutput, ToolError>((resume) => {
    const child = spawn(call.git, [...hardeningFlags, ...call.args], {
      cwd: call.cwd,
      env: call.env,
      stdio: ["ignore", "pipe", "pipe"],
      shell: false
    })
    const chunks: Array<Buffer> = []
    let size = 0
    let cut = false
    let stderr = ""
    let done = false
    child.stdout.on("data", (chunk: Buffer) => {
      if (cut) return
      if (size + chunk.length > call.maxBytes) {
        chunks.push(chunk.subarray(0, call.maxBytes - size))
        size = call.maxBytes
        cut = true
        child.kill("SIGKILL")
        return
      }
      chunks.push(chunk)
      size += chunk.length
    })
    child.stderr.setEncoding("utf8")
    child.stderr.on("data", (chunk: string) => {
      if (stderr.length < 4096) stderr += chunk
    })
    child.on("error", (error) => {
      if (done) return
      done = true
      resume(Effect.fail(new ToolError({ message: `git failed to start: ${error.message}` })))
    })
    child.on("close", (code) => {
      if (done) return
      done = true
      resume(Effect.succeed({ stdout: Buffer.concat(chunks).toString("utf8"), bytes: size, cut, code, stderr: stderr.slice(0, 4096) }))
    })
    return Effect.sync(() => {
      done = true
      child.kill("SIGKILL")
    })
  })

/** git's own complaint, shortened, for the model. */
export const gitComplaint = (output: GitOutput): string => {
  const lines = output.stderr.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("hint:"))
  return lines.slice(0, 3).join("; ").slice(0, 500) || `git exited with code ${output.code}`
}
