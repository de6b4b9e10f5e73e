/**
 * A BooCode engine in a child process, for the SIGTERM / kill -9 tests:
 *
 *   DATABASE_URL=... LLM_BASE_URL=... TURN_CHILD_PROJECT=/some/dir node --import tsx test/support/turnChild.ts
 *
 * Builds the application services over PostgreSQL (migrating it), adds a project on
 * TURN_CHILD_PROJECT with a session, posts one message, prints
 * `{"turn_child":"started","session_id":...,"project_id":...,"message_id":...}` as a line on stdout and then
 * runs until a signal (do not import this file: it runs on load): NodeRuntime.runMain interrupts the main fiber on SIGTERM/SIGINT, which
 * closes the layers, so the running turn records itself as interrupted before the process exits (0).
 */
import { openSessionOn } from "./openSession.ts"
import { NodeRuntime } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { AppServicesLive } from "../../src/app/AppServices.ts"
import { SessionService } from "../../src/app/sessions/SessionService.ts"
import { DatabaseLive } from "../../src/infra/db/Database.ts"
import { MigrationsLive } from "../../src/infra/db/Migrations.ts"

const Live = AppServicesLive.pipe(Layer.provideMerge(MigrationsLive.pipe(Layer.provideMerge(DatabaseLive))))

const program = Effect.gen(function* () {
  const root = process.env.TURN_CHILD_PROJECT
  if (root === undefined || root === "") return yield* Effect.dieMessage("TURN_CHILD_PROJECT is not set")
  const sessions = yield* SessionService
  const { projectId, sessionId } = yield* openSessionOn(root)
  const posted = yield* sessions.postMessage(sessionId, process.env.TURN_CHILD_MESSAGE ?? "Tell me a long story")
  process.stdout.write(
    `${JSON.stringify({
      turn_child: "started",
      session_id: sessionId,
      project_id: projectId,
      message_id: posted.assistant_message_id
    })}\n`
  )
  return yield* Effect.never
})

program.pipe(Effect.provide(Live), NodeRuntime.runMain)
