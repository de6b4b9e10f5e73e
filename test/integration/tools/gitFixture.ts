import { execFileSync } from "node:child_process"
import { createHash } from "node:crypto"
import { promises as fs } from "node:fs"
import * as path from "node:path"
import { makeTempBase, writeFiles } from "./tree.ts"

/** git for building fixtures, with a fixed identity and no user config. */
export const git = (cwd: string, args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}, input?: string) =>
  execFileSync("git", [...args], {
    cwd,
    encoding: "utf8",
    ...(input === undefined ? {} : { input }),
    maxBuffer: 256 * 1024 * 1024,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: cwd,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_AUTHOR_NAME: "Ada Lovelace",
      GIT_AUTHOR_EMAIL: "ada@example.org",
      GIT_COMMITTER_NAME: "Ada Lovelace",
      GIT_COMMITTER_EMAIL: "ada@example.org",
      GIT_AUTHOR_DATE: "2024-03-01T12:00:00Z",
      GIT_COMMITTER_DATE: "2024-03-01T12:00:00Z",
      ...env
    }
  })

export const commitAll = (cwd: string, message: string, date = "2024-03-01T12:00:00Z") => {
  git(cwd, ["-c", "advice.addEmbeddedRepo=false", "add", "-A"])
  git(cwd, ["commit", "-q", "--allow-empty", "-m", message], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date })
}

/** Every hook git knows; each one, if it ever ran, would leave a marker. */
const hookNames = [
  "applypatch-msg", "pre-applypatch", "post-applypatch", "pre-commit", "pre-merge-commit", "prepare-commit-msg", "commit-msg",
  "post-commit", "pre-rebase", "post-checkout", "post-merge", "pre-push", "pre-receive", "update", "proc-receive",
  "post-receive", "post-update", "reference-transaction", "push-to-checkout", "pre-auto-gc", "post-rewrite",
  "sendemail-validate", "fsmonitor-watchman", "p4-changelist", "p4-prepare-changelist", "p4-post-changelist",
  "p4-pre-submit", "post-index-change"
]

export interface HostileRepo {
  readonly base: string
  /** the repository's top: /base/repo */
  readonly top: string
  /** the project folder, one level below the top: /base/repo/proj */
  readonly root: string
  /** where every hostile command would leave its marker file */
  readonly markers: string
  /** the marker files present now */
  readonly markersLeft: () => Promise<ReadonlyArray<string>>
  /** a digest of every file under .git, and the embedded repository's (path, content, mtime) */
  readonly gitDirDigest: () => Promise<string>
  readonly cleanup: () => Promise<void>
}

const walk = async (dir: string): Promise<Array<string>> => {
  const out: Array<string> = []
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await walk(full)))
    else out.push(full)
  }
  return out.sort()
}

/**
 * A repository whose config, attributes, hooks and an included config file outside it all try to
 * run commands (each would write a marker), with secrets committed and changed in the work tree.
 */
export const makeHostileRepo = async (
  /** more history, written before the repository turns hostile */
  more: (top: string, root: string) => Promise<void> = async () => {}
): Promise<HostileRepo> => {
  const base = await makeTempBase("boocode-git-hostile-")
  const top = path.join(base, "repo")
  const root = path.join(top, "proj")
  const markers = path.join(base, "markers")
  const evil = path.join(base, "evil")
  await fs.mkdir(markers)
  await fs.mkdir(path.join(evil, "hooks"), { recursive: true })
  const script = async (file: string, name: string) => {
    // the filter scripts pass their input through, so a run would go unnoticed but for the marker;
    // the ssh command fails at once (git would wait forever on a silent one)
    const then = name === "ssh" ? "exit 1" : "cat"
    await fs.writeFile(file, `#!/bin/sh\ntouch '${path.join(markers, name)}'\n${then}\n`, { mode: 0o755 })
  }
  for (const name of ["sub-fsmonitor", "sub-clean", "fsmonitor", "external-diff", "textconv", "clean", "smudge", "process", "pager", "ssh", "credential", "askpass", "gpg", "inc-clean", "inc-external", "inc-pager", "inc-textconv", "diff-command"]) {
    await script(path.join(evil, `${name}.sh`), name)
  }
  for (const hook of hookNames) await script(path.join(evil, "hooks", hook), `hook-${hook}`)

  await writeFiles(base, { "outside.txt": "OUTSIDE THE REPOSITORY\n" })
  await writeFiles(top, {
    "outside-project.txt": "OUTSIDE THE PROJECT FOLDER v1\n",
    ".gitattributes": "* diff=evil filter=evil\n*.md diff=inc filter=inc\n"
  })
  await writeFiles(root, {
    "README.md": "# Project\nfirst\n",
    "src/app.ts": "export const a = 1\nexport const b = 2\n",
    ".env": "API_KEY=super-secret-v1\n",
    "keys/server.pem": "PEM-SECRET-v1\n",
    "private/notes.txt": "PRIVATE-NOTE-v1\n"
  })
  // an embedded repository (a gitlink in the project), whose own config turns hostile too
  const sub = path.join(root, "vendor", "lib")
  await writeFiles(sub, { "lib.txt": "library\n" })
  git(sub, ["init", "-q", "-b", "main"])
  commitAll(sub, "Library")
  git(top, ["init", "-q", "-b", "main"])
  commitAll(top, "First commit")
  await writeFiles(top, { "outside-project.txt": "OUTSIDE THE PROJECT FOLDER v2\n" })
  commitAll(top, "Touch only the outside file", "2024-03-02T12:00:00Z")
  await writeFiles(root, {
    "README.md": "# Project\nsecond\n",
    "src/app.ts": "export const a = 1\nexport const b = 3\n",
    ".env": "API_KEY=super-secret-v2\n",
    "keys/server.pem": "PEM-SECRET-v2\n",
    "private/notes.txt": "PRIVATE-NOTE-v2\n"
  })
  commitAll(top, "Change b and rotate the key", "2024-03-03T12:00:00Z")
  await more(top, root)
  // branch `lazy`: proj/lazy.txt names a blob that is not in the repository, as in a partial clone
  const blob = git(top, ["hash-object", "--stdin"], {}, "lazy content\n").trim()
  const index = { GIT_INDEX_FILE: path.join(base, "lazy-index") }
  git(top, ["read-tree", "HEAD"], index)
  git(top, ["update-index", "--add", "--cacheinfo", `100644,${blob},proj/lazy.txt`], index)
  const tree = git(top, ["write-tree", "--missing-ok"], index).trim()
  const lazy = git(top, ["commit-tree", tree, "-p", "HEAD", "-m", "Lazy"]).trim()
  git(top, ["update-ref", "refs/heads/lazy", lazy])
  // uncommitted changes, secrets included, so a work-tree diff or blame must read these files
  await writeFiles(root, {
    "README.md": "# Project\nthird (uncommitted)\n",
    "src/app.ts": "export const a = 1\nexport const b = 4\n",
    ".env": "API_KEY=super-secret-worktree\n",
    "keys/server.pem": "PEM-SECRET-worktree\n"
  })
  await writeFiles(top, { "outside-project.txt": "OUTSIDE THE PROJECT FOLDER worktree\n" })

  await fs.writeFile(path.join(base, "included.gitconfig"), [
    "[core]", `\tpager = ${evil}/inc-pager.sh`,
    "[diff]", `\texternal = ${evil}/inc-external.sh`,
    '[filter "inc"]', `\tclean = ${evil}/inc-clean.sh`, `\tsmudge = ${evil}/inc-clean.sh`, "\trequired = true",
    '[diff "inc"]', `\ttextconv = ${evil}/inc-textconv.sh`, ""
  ].join("\n"))
  const set = (key: string, value: string) => git(top, ["config", key, value])
  set("core.fsmonitor", `${evil}/fsmonitor.sh`)
  set("core.hooksPath", path.join(evil, "hooks"))
  set("core.pager", `${evil}/pager.sh`)
  set("core.sshCommand", `${evil}/ssh.sh`)
  set("core.askPass", `${evil}/askpass.sh`)
  set("credential.helper", `!${evil}/credential.sh`)
  set("diff.external", `${evil}/external-diff.sh`)
  set("diff.evil.textconv", `${evil}/textconv.sh`)
  set("diff.evil.command", `${evil}/diff-command.sh`)
  set("filter.evil.clean", `${evil}/clean.sh`)
  set("filter.evil.smudge", `${evil}/smudge.sh`)
  set("filter.evil.process", `${evil}/process.sh`)
  set("filter.evil.required", "true")
  set("pager.log", `${evil}/pager.sh`)
  set("pager.blame", `${evil}/pager.sh`)
  set("log.showSignature", "true")
  set("gpg.program", `${evil}/gpg.sh`)
  set("color.ui", "always")
  set("diff.context", "1")
  set("include.path", path.join(base, "included.gitconfig"))
  // a promisor remote: a missing object would be fetched over ssh (core.sshCommand above)
  set("core.repositoryformatversion", "1")
  set("extensions.partialClone", "origin")
  set("remote.origin.url", "ssh://evil.invalid/repo")
  set("remote.origin.promisor", "true")
  git(sub, ["config", "core.fsmonitor", `${evil}/sub-fsmonitor.sh`])
  git(sub, ["config", "filter.sub.clean", `${evil}/sub-clean.sh`])
  await fs.writeFile(path.join(sub, ".git", "info", "attributes"), "* filter=sub\n")
  // same content, new mtime: whoever checks the submodule must read the file (through its filter)
  await fs.utimes(path.join(sub, "lib.txt"), new Date(), new Date(Date.now() + 5_000))
  for (const hook of hookNames) await fs.copyFile(path.join(evil, "hooks", hook), path.join(top, ".git", "hooks", hook))
  await fs.chmod(path.join(top, ".git", "hooks"), 0o755)
  for (const hook of hookNames) await fs.chmod(path.join(top, ".git", "hooks", hook), 0o755)

  return {
    base,
    top,
    root,
    markers,
    markersLeft: async () => (await fs.readdir(markers)).sort(),
    gitDirDigest: async () => {
      const hash = createHash("sha256")
      for (const file of [...(await walk(path.join(top, ".git"))), ...(await walk(path.join(sub, ".git")))]) {
        const stat = await fs.stat(file)
        hash.update(`${file}\0${stat.mtimeMs}\0`)
        hash.update(await fs.readFile(file))
      }
      return hash.digest("hex")
    },
    cleanup: () => fs.rm(base, { recursive: true, force: true })
  }
}
