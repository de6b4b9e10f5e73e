import { Layer } from "effect"
import { DatabaseLive } from "./infra/db/Database.ts"
import { MigrationsLive } from "./infra/db/Migrations.ts"
import { HttpServerLive } from "./http/Server.ts"

const Database = MigrationsLive.pipe(Layer.provideMerge(DatabaseLive))

/** Everything the server process runs, composed once. */
export const AppLive = HttpServerLive.pipe(Layer.provide(Database))
