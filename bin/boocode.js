#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so the package works without a build step.
import { register } from "node:module"
import { pathToFileURL } from "node:url"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

register("tsx/esm", pathToFileURL("./"))
const here = dirname(fileURLToPath(import.meta.url))
await import(pathToFileURL(join(here, "..", "src", "cli.ts")).href)
