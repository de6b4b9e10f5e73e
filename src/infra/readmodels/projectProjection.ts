import type { SqlClient } from "@effect/sql"
import type { ProjectEvent } from "../../domain/index.ts"

/** Applies one project event to the `projects` table. */
export const projectProjection = (sql: SqlClient.SqlClient, event: ProjectEvent, version: number) => {
  switch (event._tag) {
    case "ProjectAdded":
      return sql`INSERT INTO projects (id, name, path, version, created_at, updated_at)
        VALUES (${event.project_id}, ${event.name}, ${event.path}, ${version}, ${event.at}, ${event.at})`
    case "ProjectRenamed":
      return sql`UPDATE projects SET name = ${event.name}, version = ${version}, updated_at = ${event.at}
        WHERE id = ${event.project_id}`
    case "ProjectRemoved":
      return sql`UPDATE projects SET removed = true, version = ${version}, updated_at = ${event.at}
        WHERE id = ${event.project_id}`
  }
}
