#!/usr/bin/env node
// The installed `boocode` command: runs the TypeScript CLI through tsx (a runtime dependency), so the
// package works without a build step. The browser client is served from the package's own dist/web
// unless BOOCODE_WEB_DIR says otherwise, whatever the working directory.
import { register } from "tsx/esm/api"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
if ((process.env.BOOCODE_WEB_DIR ?? "") === "") process.env.BOOCODE_WEB_DIR = join(root, "dist", "web")
register({ tsconfig: false })
await import(pathToFileURL(join(root, "src", "cli.ts")).href)
