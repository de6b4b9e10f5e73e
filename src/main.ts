import { NodeRuntime } from "@effect/platform-node"
import { Layer } from "effect"
import { AppLive } from "./AppLive.ts"

Layer.launch(AppLive).pipe(NodeRuntime.runMain)
