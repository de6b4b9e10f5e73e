import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { promises as fs } from "node:fs"
import * as path from "node:path"
import * as OpenGuard from "../../../src/infra/tools/OpenGuard.ts"
import * as PathGuard from "../../../src/infra/tools/PathGuard.ts"
import { call } from "./harness.ts"
import { makeTree, type Tree } from "./tree.ts"

let tree: Tree
beforeAll(async () => {
  tree = await makeTree()
})
afterAll(async () => tree.cleanup())

const view = (p: string) => call(tree.root, "view_file", { path: p })

const refused = (p: string, fragment: RegExp) =>
  Effect.gen(function* () {
    const outcome = yield* view(p)
    expect(outcome.output).toBe("")
    expect(outcome.error).toMatch(fragment)
    expect(outcome.error).not.toMatch(/SECRET/)
  })

describe("path guard refusals", () => {
  it.effect("`..` escaping the root", () => refused("../outside/secret.txt", /escapes the project root/))
  it.effect("`..` into the sibling named like the root", () => refused("../proj2/leak.txt", /escapes the project root/))
  it.effect("absolute path outside the root", () => refused(path.join(tree.base, "outside", "secret.txt"), /absolute path outside/))
  it.effect("absolute path into the sibling /x/proj2", () => refused(path.join(tree.base, "proj2", "leak.txt"), /absolute path outside/))
  it.effect("file symlink resolving outside", () => refused("link-out", /resolves outside/))
  it.effect("absolute file symlink into the sibling", () => refused("abs-link-out", /resolves outside/))
  it.effect("directory symlink resolving outside", () => refused("dirlink-out/secret.txt", /resolves outside/))
  it.effect("symlink loop", () => refused("loop-a", /symlink loop/))
  it.effect("NUL byte", () => refused("src/a.ts\0.png", /NUL byte/))
  it.effect("FIFO (and does not block)", () => refused("fifo", /FIFO/))
  it.effect("device", () =>
    Effect.gen(function* () {
      yield* Effect.promise(() => fs.symlink("/dev/zero", path.join(tree.root, "devlink")).catch(() => undefined))
      // a symlink to /dev/zero resolves outside; the device check itself is tested on the guard
      yield* refused("devlink", /resolves outside/)
      const exit = yield* Effect.exit(PathGuard.resolve("/dev", "zero", { isHidden: () => false }))
      expect(Exit.isFailure(exit)).toBe(true)
      expect(String(exit)).toMatch(/is a device/)
    })
  )
  it.effect("socket-like special files via list_dir are not readable", () =>
    Effect.gen(function* () {
      const outcome = yield* call(tree.root, "list_dir", { path: "." })
      expect(outcome.output).toMatch(/other {2}fifo \(special file/)
    })
  )
  it.effect("missing file is a readable error", () => refused("nope.txt", /no such file/))
  it.effect("secrets are refused, also through an inside symlink", () =>
    Effect.gen(function* () {
      yield* refused(".env", /secret rules/)
      yield* refused(".env.local", /secret rules/)
      yield* refused("config/id_rsa", /secret rules/)
      yield* refused("keys/server.pem", /secret rules/)
      yield* refused("env-link", /secret rules/)
    })
  )
})

describe("path guard accepts", () => {
  it.effect("a file symlink that stays inside", () =>
    Effect.gen(function* () {
      const outcome = yield* view("link-inside")
      expect(outcome.error).toBeNull()
      expect(outcome.output).toContain("export const alpha = 1")
    })
  )
  it.effect("a directory symlink that stays inside", () =>
    Effect.gen(function* () {
      const outcome = yield* view("dirlink-inside/b.ts")
      expect(outcome.error).toBeNull()
      expect(outcome.output).toContain("export const b = alpha")
    })
  )
  it.effect("an absolute path inside the root", () =>
    Effect.gen(function* () {
      const outcome = yield* view(path.join(tree.root, "src", "b.ts"))
      expect(outcome.error).toBeNull()
    })
  )
  it.effect("a `..` that stays inside", () =>
    Effect.gen(function* () {
      const outcome = yield* view("src/nested/../b.ts")
      expect(outcome.error).toBeNull()
    })
  )
})

describe("verification after open (TOCTOU)", () => {
  const noSecrets = { isHidden: () => false }

  it.effect("a file swapped for a symlink to outside after the check is refused", () =>
    Effect.gen(function* () {
      const root = yield* PathGuard.resolveRoot(tree.root)
      yield* Effect.promise(() => fs.writeFile(path.join(root, "swap1.txt"), "inside\n"))
      const target = yield* PathGuard.resolve(root, "swap1.txt", noSecrets)
      yield* Effect.promise(async () => {
        await fs.rm(path.join(root, "swap1.txt"))
        await fs.symlink(path.join(tree.base, "outside", "secret.txt"), path.join(root, "swap1.txt"))
      })
      const exit = yield* Effect.exit(Effect.scoped(OpenGuard.openTarget(target)))
      expect(Exit.isFailure(exit)).toBe(true)
      expect(String(exit)).toMatch(/PathRefused/)
    })
  )
  it.effect("a file replaced by another inode after the check is refused (dev+ino compare)", () =>
    Effect.gen(function* () {
      const root = yield* PathGuard.resolveRoot(tree.root)
      yield* Effect.promise(() => fs.writeFile(path.join(root, "swap2.txt"), "inside\n"))
      const target = yield* PathGuard.resolve(root, "swap2.txt", noSecrets)
      yield* Effect.promise(async () => {
        await fs.writeFile(path.join(root, "swap2.tmp"), "other\n")
        await fs.rename(path.join(root, "swap2.tmp"), path.join(root, "swap2.txt"))
      })
      const exit = yield* Effect.exit(Effect.scoped(OpenGuard.openTarget(target)))
      expect(String(exit)).toMatch(/changed while it was being opened/)
    })
  )
  it.effect("a descriptor opened outside the root fails verification", () =>
    Effect.gen(function* () {
      const root = yield* PathGuard.resolveRoot(tree.root)
      const handle = yield* Effect.promise(() => fs.open(path.join(tree.base, "outside", "secret.txt"), "r"))
      const exit = yield* Effect.exit(OpenGuard.verifyOpened(handle, { root, shown: "x", dev: null, ino: null }))
      yield* Effect.promise(() => handle.close())
      expect(String(exit)).toMatch(/outside the project root/)
    })
  )
})
