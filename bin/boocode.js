#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so the package works without a build step.
import { register } from "tsx/esm/api"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

register()
const here = dirname(fileURLToPath(import.meta.url))
await import(pathToFileURL(join(here, "..", "src", "cli.ts")).href)
