import { mainHelp, verbHelp } from "./cli/help.ts"
import { route, unknownVerbLine } from "./cli/route.ts"
import { colorWanted, plainWhenNoColor } from "./cli/terminal.ts"
import { packageVersion } from "./cli/version.ts"

// `boocode export … | head` closes the pipe early: that ends the command, it is not a crash.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0)
  throw error
})
plainWhenNoColor(process.stdout, process.env)
plainWhenNoColor(process.stderr, process.env)

const args = process.argv.slice(2)
const routed = route(args)
const color = colorWanted(process.stdout, process.env)

switch (routed._tag) {
  case "MainHelp":
    process.stdout.write(mainHelp(packageVersion, color))
    break
  case "VerbHelp":
    process.stdout.write(verbHelp(routed.verb, color))
    break
  case "Unknown":
    process.stderr.write(unknownVerbLine(routed.word) + "\n")
    process.exitCode = 2
    break
  case "Run":
    // Loaded only to run a verb: help and a mistyped verb answer without loading the server.
    await import("./cli/run.ts")
}
