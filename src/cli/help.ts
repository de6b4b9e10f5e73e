import { bold } from "./terminal.ts"
import type { SettingGroup } from "./environment.ts"
import { type Verb, verbs } from "./verbs.ts"

const widthOf = (rows: ReadonlyArray<readonly [string, string]>) => Math.min(34, Math.max(...rows.map(([left]) => left.length)))

const table = (rows: ReadonlyArray<readonly [string, string]>, width = widthOf(rows)) => {
  return rows.map(([left, right]) =>
    left.length > width ? `  ${left}\n  ${" ".repeat(width)}  ${right}` : `  ${left.padEnd(width)}  ${right}`
  )
}

const environment = (groups: ReadonlyArray<SettingGroup>, heading: (s: string) => string) => {
  const width = widthOf(groups.flatMap((g) => g.settings.map((s) => [s.name, s.meaning] as const)))
  return groups.flatMap((g) => ["", heading(`Environment: ${g.title.toLowerCase()}`), ...table(g.settings.map((s) => [s.name, s.meaning]), width)])
}

/** `boocode --help`: what the tool is, its verbs, and where to read more. */
export const mainHelp = (version: string, color: boolean) => {
  const h = bold(color)
  return [
    `${h("boocode")} ${version}: self-hosted, event-sourced chat for investigating code with a local LLM`,
    "",
    h("Usage"),
    "  boocode <command> [options]",
    "",
    h("Commands"),
    ...table(verbs.map((v) => [v.name, v.summary])),
    "",
    h("Options"),
    ...table([["-h, --help", "this help; `boocode <command> --help` for a command's options and environment"], ["--version", "print the version"]]),
    ...environment([verbs[0].settings[0]], h),
    ""
  ].join("\n")
}

/** `boocode <verb> --help`: its usage, options, and every environment variable it reads. */
export const verbHelp = (verb: Verb, color: boolean) => {
  const h = bold(color)
  const options: Array<readonly [string, string]> = [
    ...verb.options,
    ["--log-level LEVEL", "all, trace, debug, info, warning, error, fatal or none"],
    ["-h, --help", "this help"]
  ]
  return [
    `${h(`boocode ${verb.name}`)}: ${verb.summary}`,
    "",
    h("Usage"),
    `  ${verb.usage}`,
    "",
    h("Options"),
    ...table(options),
    ...environment(verb.settings, h),
    ""
  ].join("\n")
}
