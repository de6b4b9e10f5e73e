import { Migrator } from "@effect/sql"
import eventStore from "./0001_event_store.ts"
import readModels from "./0002_read_models.ts"
import dropEventIdUnique from "./0003_drop_event_id_unique.ts"
import sessionSnapshots from "./0004_session_snapshots.ts"
import turnLeases from "./0005_turn_leases.ts"
import sessionGeneration from "./0006_session_generation.ts"
import appendNotifyChoice from "./0007_append_notify_choice.ts"
import appendGroup from "./0008_append_group.ts"

/** Static imports: a file-system loader does not work under vitest or in a bundle. */
export const migrations = Migrator.fromRecord({
  "0001_event_store": eventStore,
  "0002_read_models": readModels,
  "0003_drop_event_id_unique": dropEventIdUnique,
  "0004_session_snapshots": sessionSnapshots,
  "0005_turn_leases": turnLeases,
  "0006_session_generation": sessionGeneration,
  "0007_append_notify_choice": appendNotifyChoice,
  "0008_append_group": appendGroup
})
