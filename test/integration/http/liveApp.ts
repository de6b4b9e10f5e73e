import { Context, Effect, Layer, Option, Tracer } from "effect"
import { AppServicesLive } from "../../../src/app/AppServices.ts"
import { DatabaseLive } from "../../../src/infra/db/Database.ts"
import { MigrationsLive } from "../../../src/infra/db/Migrations.ts"
import { HttpServerLive } from "../../../src/http/Server.ts"
import { UserFeed } from "../../../src/http/ws/UserFeed.ts"
import { Subscriptions } from "../../../src/infra/eventstore/Subscriptions.ts"
import { freePort } from "../../../src/infra/net/freePort.ts"
import { SessionReaders } from "../../../src/infra/live/SessionReaders.ts"
import { acquireFakeLlm } from "../../support/fakeLlm/index.ts"
import { freshDatabaseUrl } from "../../support/testDatabase.ts"
import { type TestApp, testAppOn, testAppSettings } from "../../support/testApp.ts"

/** A statement the app sent to PostgreSQL, with the names of the spans it ran under. */
export interface Statement {
  readonly text: string
  readonly within: ReadonlyArray<string>
}

const spanNames = (span: Option.Option<Tracer.AnySpan>): Array<string> => {
  const names: Array<string> = []
  let current = span
  while (Option.isSome(current) && current.value._tag === "Span") {
    names.push(current.value.name)
    current = current.value.parent
  }
  return names
}

/**
 * Every SQL statement of the app is a `sql.execute` span (@effect/sql makes one per statement and
 * sets its text as `db.query.text`): this tracer records them, so a test can count the queries
 * the app really made.
 */
const recordingTracer = (native: Tracer.Tracer, statements: Array<Statement>) =>
  Tracer.make({
    span: (name, parent, context, links, startTime, kind, options) => {
      const span = native.span(name, parent, context, links, startTime, kind, options)
      if (name !== "sql.execute") return span
      const within = spanNames(parent)
      const attribute = span.attribute.bind(span)
      return Object.assign(Object.create(span), {
        attribute: (key: string, value: unknown) => {
          if (key === "db.query.text" && typeof value === "string") statements.push({ text: value, within })
          attribute(key, value)
        }
      })
    },
    context: (f, fiber) => native.context(f, fiber)
  })

export interface LiveApp extends TestApp {
  readonly statements: Array<Statement>
  readonly subscriptions: typeof Subscriptions.Service
  readonly readers: typeof SessionReaders.Service
}

export class LiveAppServer extends Context.Tag("test/LiveApp")<LiveAppServer, LiveApp>() {}

/** The whole server in-process (as test/support/testApp does), with its statements recorded and its live services at hand. */
export const liveAppLayer = (env: Readonly<Record<string, string>> = {}) =>
  Layer.scoped(
    LiveAppServer,
    Effect.gen(function* () {
      const fakeLlm = yield* acquireFakeLlm
      const databaseUrl = yield* freshDatabaseUrl
      const port = yield* freePort
      const statements: Array<Statement> = []
      const native = yield* Effect.tracer
      // AppLive's composition with its services kept visible; SessionReaders.layer is the very layer
      // the socket routes use, so the build shares one instance with them.
      const Services = UserFeed.layer.pipe(Layer.provideMerge(AppServicesLive))
      const Database = MigrationsLive.pipe(Layer.provideMerge(DatabaseLive))
      const context = yield* Layer.build(
        Layer.mergeAll(HttpServerLive, SessionReaders.layer).pipe(
          Layer.provideMerge(Services),
          Layer.provideMerge(Database),
          Layer.provide(Layer.setConfigProvider(testAppSettings(port, databaseUrl, fakeLlm.url, env))),
          Layer.provide(Layer.setTracer(recordingTracer(native, statements)))
        )
      )
      const app: LiveApp = {
        ...testAppOn(context, port, fakeLlm, databaseUrl),
        statements,
        subscriptions: Context.get(context, Subscriptions),
        readers: Context.get(context, SessionReaders)
      }
      return app
    })
  )
