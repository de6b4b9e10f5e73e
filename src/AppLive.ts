import { Effect, Layer } from "effect"
import { AppServicesLive } from "./app/AppServices.ts"
import { DatabaseLive } from "./infra/db/Database.ts"
import { MigrationsLive } from "./infra/db/Migrations.ts"
import { checkPortFree } from "./http/checkPortFree.ts"
import { checkBind } from "./http/security/Security.ts"
import { HttpServerLive } from "./http/Server.ts"
import { UserFeed } from "./http/ws/UserFeed.ts"

/** An unsafe bind or a taken port is refused before the database (or anything else) is touched. */
const StartChecks = Layer.effectDiscard(Effect.zipRight(checkBind, checkPortFree))

const Database = MigrationsLive.pipe(Layer.provideMerge(DatabaseLive), Layer.provide(StartChecks))

const Services = UserFeed.layer.pipe(Layer.provideMerge(AppServicesLive))

/** Everything the server process runs, composed once. */
export const AppLive = HttpServerLive.pipe(Layer.provide(Services), Layer.provideMerge(Database))
