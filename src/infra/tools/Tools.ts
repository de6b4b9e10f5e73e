import { Config, Context, Effect, JSONSchema, Layer, Option, Schema } from "effect"
import { argumentIssues, argumentsPreview } from "./ArgSchemas.ts"
import { FindFilesArgs, findFiles, findFilesDescription } from "./FindFiles.ts"
import { capBytes, count, note } from "./Format.ts"
import { GrepArgs, grep, grepDescription } from "./Grep.ts"
import { findRg } from "./GrepRg.ts"
import { ListDirArgs, listDir, listDirDescription } from "./ListDir.ts"
import * as PathGuard from "./PathGuard.ts"
import { makeSecretRules } from "./Secrets.ts"
import type { ToolContext, ToolResult, ToolRun } from "./ToolContext.ts"
import { toolLimitsConfig, type ToolLimits } from "./ToolLimits.ts"
import { ViewFileArgs, viewFile, viewFileDescription } from "./ViewFile.ts"
import { makeGitAccess } from "./git/GitAccess.ts"
import { findGit } from "./git/GitCommand.ts"
import { gitTools as makeGitTools } from "./git/GitTools.ts"

export interface ToolDefinition {
  readonly name: string
  readonly description: string
  readonly parameters: object
}

export interface ToolOutcome {
  readonly output: string
  readonly truncated: boolean
  readonly error: string | null
}

interface AnyTool {
  readonly definition: ToolDefinition
  readonly run: (context: ToolContext, argsJson: string) => Effect.Effect<ToolResult, { readonly message: string }>
}

/** Drops `$schema` and the filter-generated titles such as "between(0, 10)": noise for the model. */
const tidy = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(tidy)
    : typeof value === "object" && value !== null
      ? Object.fromEntries(Object.entries(value).filter(([key]) => key !== "title" && key !== "$schema").map(([key, v]) => [key, tidy(v)]))
      : value

const parameters = <A, I>(schema: Schema.Schema<A, I>): object => {
  const tidied = tidy(JSONSchema.make(schema))
  return typeof tidied === "object" && tidied !== null ? tidied : {}
}

const defineTool = <A, I>(name: string, description: string, schema: Schema.Schema<A, I>, run: ToolRun<A>): AnyTool => {
  const decode = Schema.decodeUnknown(Schema.parseJson(schema), { errors: "all" })
  return {
    definition: { name, description, parameters: parameters(schema) },
    run: (context, argsJson) =>
      Effect.gen(function* () {
        const args = yield* decode(argsJson.trim() === "" ? "{}" : argsJson).pipe(
          Effect.mapError((error) => ({
            message: `invalid arguments for ${name}: ${argumentIssues(error)}\n` +
              `arguments received: ${argumentsPreview(argsJson)}`
          }))
        )
        return yield* run(context, args)
      })
  }
}

const allTools: ReadonlyArray<AnyTool> = [
  defineTool("view_file", viewFileDescription, ViewFileArgs, viewFile),
  defineTool("list_dir", listDirDescription, ListDirArgs, listDir),
  defineTool("grep", grepDescription, GrepArgs, grep),
  defineTool("find_files", findFilesDescription, FindFilesArgs, findFiles)
]

const failed = (error: string): ToolOutcome => ({ output: "", truncated: false, error })

export const makeTools = Effect.fn("Tools.make")(function* (limits: ToolLimits, pathEnv: string) {
  const secretRules = yield* makeSecretRules
  const rg = limits.grepEngine === "js" ? null : yield* findRg(pathEnv)
  const gitBinary = yield* findGit(pathEnv)
  const git = gitBinary === null ? null : makeGitAccess(gitBinary, pathEnv)
  const gitTools = git === null ? [] : makeGitTools(git, defineTool)
  const byName = new Map([...allTools, ...gitTools].map((tool) => [tool.definition.name, tool]))
  const definitions = allTools.map((tool) => tool.definition)
  const withGit = [...definitions, ...gitTools.map((tool) => tool.definition)]

  /** The git tools join the file tools when the project folder is inside a git work tree. */
  const definitionsFor = (projectRoot: string): Effect.Effect<ReadonlyArray<ToolDefinition>> =>
    git === null
      ? Effect.succeed(definitions)
      : PathGuard.resolveRoot(projectRoot).pipe(
        Effect.flatMap(git.lookup),
        Effect.map((repo) => (Option.isSome(repo) ? withGit : definitions)),
        Effect.orElseSucceed(() => definitions)
      )

  const run = (projectRoot: string, name: string, argsJson: string): Effect.Effect<ToolOutcome> =>
    Effect.gen(function* () {
      const tool = byName.get(name)
      if (tool === undefined) return failed(`unknown tool ${name}; available: ${[...byName.keys()].join(", ")}`)
      const root = yield* PathGuard.resolveRoot(projectRoot)
      const secrets = yield* secretRules.forRoot(root)
      const result = yield* tool.run({ root, secrets, limits, rg }, argsJson)
      const capped = capBytes(result.output, limits.maxOutputBytes)
      const output = capped.cut
        ? `${capped.text}\n${note(`truncated: output limit of ${count(limits.maxOutputBytes)} bytes reached; narrow the request`)}`
        : capped.text
      const outcome: ToolOutcome = { output, truncated: result.truncated || capped.cut, error: null }
      return outcome
    }).pipe(
      Effect.catchAll((error) => Effect.succeed(failed(error.message))),
      Effect.catchAllDefect((defect) => Effect.succeed(failed(`internal error in ${name}: ${String(defect)}`))),
      Effect.withSpan("Tools.run", { attributes: { tool: name } })
    )

  return { definitions, definitionsFor, run }
})

export class Tools extends Context.Tag("Tools")<
  Tools,
  {
    /** the file tools, offered in every project */
    readonly definitions: ReadonlyArray<ToolDefinition>
    /** the tools to offer for one project: the file tools, and the git tools inside a git work tree */
    readonly definitionsFor: (projectRoot: string) => Effect.Effect<ReadonlyArray<ToolDefinition>>
    /** Never fails: every problem comes back as `error`, written for the model. */
    readonly run: (projectRoot: string, name: string, argsJson: string) => Effect.Effect<ToolOutcome>
  }
>() {
  static readonly layer: Layer.Layer<Tools> = Layer.effect(
    Tools,
    Effect.gen(function* () {
      const limits = yield* toolLimitsConfig
      const pathEnv = yield* Config.string("PATH").pipe(Config.withDefault(""))
      return yield* makeTools(limits, pathEnv)
    }).pipe(Effect.orDie)
  )
}
