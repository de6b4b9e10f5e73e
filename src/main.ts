import { NodeRuntime } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { AppLive } from "./AppLive.ts"
import { exitWithinDeadlineOnSignal, reportFailure } from "./processEdge.ts"

exitWithinDeadlineOnSignal()

Layer.launch(AppLive).pipe(Effect.tapErrorCause(reportFailure), NodeRuntime.runMain({ disableErrorReporting: true }))
