import { Command } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { exitWithinDeadlineOnSignal } from "../processEdge.ts"
import { boocode } from "./commands.ts"
import { reportCliFailure } from "./failure.ts"
import { packageVersion } from "./version.ts"

exitWithinDeadlineOnSignal()

Command.run(boocode, { name: "boocode", version: packageVersion })(process.argv).pipe(
  Effect.provide(NodeContext.layer),
  Effect.tapErrorCause(reportCliFailure),
  NodeRuntime.runMain({ disableErrorReporting: true })
)
