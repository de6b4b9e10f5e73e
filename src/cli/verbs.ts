import { databaseSettings, outputSettings, serverSettings, type SettingGroup } from "./environment.ts"

/** What `--help` says about each verb: the same text is the @effect/cli description. */
export interface Verb {
  readonly name: string
  readonly usage: string
  readonly summary: string
  readonly options: ReadonlyArray<readonly [flag: string, meaning: string]>
  readonly settings: ReadonlyArray<SettingGroup>
}

const onDatabase = [databaseSettings, outputSettings]

export const verbs: ReadonlyArray<Verb> = [
  {
    name: "serve",
    usage: "boocode serve",
    summary: "Run the BooCode server and its web UI (migrations first).",
    options: [],
    settings: [databaseSettings, ...serverSettings, outputSettings]
  },
  {
    name: "migrate",
    usage: "boocode migrate",
    summary: "Apply pending database migrations.",
    options: [],
    settings: onDatabase
  },
  {
    name: "verify",
    usage: "boocode verify",
    summary: "Check the hash chains and compare the read models with the log; exit 1 on any difference.",
    options: [],
    settings: onDatabase
  },
  {
    name: "rebuild",
    usage: "boocode rebuild",
    summary: "Recreate the read-model tables from the log.",
    options: [],
    settings: onDatabase
  },
  {
    name: "export",
    usage: "boocode export SESSION [--format md|json|ndjson]",
    summary: "Print a session as Markdown, as JSON, or its event log as NDJSON (what the HTTP export and events give).",
    options: [["--format md|json|ndjson", "md (default): the conversation as Markdown; json: session, messages and version; ndjson: one logged event a line"]],
    settings: onDatabase
  },
  {
    name: "replay",
    usage: "boocode replay SESSION [--speed N] [--max-pause SECONDS]",
    summary: "Print a conversation as it unfolded, with its timing, at real speed or --speed N.",
    options: [
      ["--speed N", "N times real speed (default 1); 0 prints everything at once"],
      ["--max-pause SECONDS", "longest wait between two events, after scaling (default 5)"]
    ],
    settings: onDatabase
  }
]

export const verbNames = verbs.map((v) => v.name)

export const findVerb = (name: string) => verbs.find((v) => v.name === name)
