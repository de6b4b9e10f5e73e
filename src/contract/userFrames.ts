import { Schema } from "effect"
import { Session } from "../http/api/schemas.ts"
import { ErrorFrame, PongFrame } from "./socketFrames.ts"

/**
 * Frames of WS /api/ws/user, server to browser: the lifecycle of projects and sessions, so every
 * open tab stays in sync. Built by the server as these schemas' Encoded types, decoded by the browser.
 */
const frame = <Type extends string, Fields extends Schema.Struct.Fields>(type: Type, fields: Fields, identifier: string, description: string) =>
  Schema.Struct({ type: Schema.Literal(type), ...fields }).annotations({ identifier, description })

export const HelloFrame = frame("hello", { user: Schema.String }, "HelloFrame", "The first frame: who the server takes the user to be")
export const ProjectAddedFrame = frame(
  "project_added", { project_id: Schema.String, name: Schema.String, path: Schema.String }, "ProjectAddedFrame", "A project was added"
)
export const ProjectRenamedFrame = frame(
  "project_renamed", { project_id: Schema.String, name: Schema.String }, "ProjectRenamedFrame", "A project was renamed"
)
export const ProjectRemovedFrame = frame("project_removed", { project_id: Schema.String }, "ProjectRemovedFrame", "A project was removed")
export const SessionCreatedFrame = frame(
  "session_created", { session: Session }, "SessionCreatedFrame", "A session was created (or forked): its row, as GET /api/projects/{id}/sessions lists it"
)
export const SessionUpdatedFrame = frame(
  "session_updated",
  { session_id: Schema.String, project_id: Schema.String, name: Schema.String, updated_at: Schema.String, busy: Schema.Boolean },
  "UserSessionUpdatedFrame",
  "A session changed: renamed, settings changed, an answer started (busy) or ended"
)
export const SessionRenamedFrame = frame(
  "session_renamed",
  { session_id: Schema.String, project_id: Schema.String, name: Schema.String, by: Schema.Literal("user", "auto") },
  "UserSessionRenamedFrame",
  "A session was renamed, by the user or by auto-naming"
)
export const SessionDeletedFrame = frame(
  "session_deleted", { session_id: Schema.String, project_id: Schema.String }, "UserSessionDeletedFrame", "A session was deleted"
)

/** A lifecycle frame derived from one event of the log. */
export const LifecycleFrame = Schema.Union(
  ProjectAddedFrame, ProjectRenamedFrame, ProjectRemovedFrame, SessionCreatedFrame, SessionUpdatedFrame, SessionRenamedFrame,
  SessionDeletedFrame
)
export type LifecycleFrame = typeof LifecycleFrame.Encoded

export const UserFrame = Schema.Union(HelloFrame, ...LifecycleFrame.members, PongFrame, ErrorFrame).annotations({
  identifier: "UserFrame",
  description: "A frame of WS /api/ws/user, server to client"
})
export type UserFrame = typeof UserFrame.Type
export type UserFrameEncoded = typeof UserFrame.Encoded
