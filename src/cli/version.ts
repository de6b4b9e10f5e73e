import { createRequire } from "node:module"

/** The package's version, read from its package.json (two folders up from this file, installed or not). */
export const packageVersion: string = (createRequire(import.meta.url)("../../package.json") as { version: string }).version
