import { UserFrame } from "../api/frames.ts"
import { decoderOf } from "../api/decodeWith.ts"
import { managedSocket } from "../api/socket.ts"
import type { SessionSummary } from "../api/types.ts"
import { current } from "../state/current.ts"
import { findSession, forgetSession, replaceSession } from "../state/directory.ts"
import { updateComposer } from "./composer.ts"
import { setUserConnection } from "./connection.ts"
import { renderTitle } from "./header.ts"
import { go } from "./router.ts"
import { loadProjects, reloadProject, scheduleSidebar } from "./sidebar.ts"

/** The per-user socket: projects and sessions created, renamed, busy or deleted anywhere show up in the sidebar. */
const onSessionChanged = (f: Extract<UserFrame, { type: "session_updated" | "session_renamed" }>) => {
  const s = findSession(f.session_id)
  if (s === undefined) {
    void reloadProject(f.project_id)
    return
  }
  const next: SessionSummary = {
    ...s,
    name: f.name,
    updated_at: f.type === "session_updated" ? f.updated_at : s.updated_at,
    busy: f.type === "session_updated" ? f.busy : s.busy
  }
  replaceSession(next)
  const conv = current.conversation
  if (conv !== null && conv.sessionId === s.id && f.name !== conv.name) {
    conv.name = f.name
    renderTitle()
  }
  scheduleSidebar()
  updateComposer()
}

const onUserFrame = (f: UserFrame) => {
  switch (f.type) {
    case "hello":
    case "pong":
    case "error":
      return
    case "project_added":
    case "project_renamed":
    case "project_removed":
      void loadProjects().then(() => {
        if (f.type === "project_removed" && current.sessionId !== null && findSession(current.sessionId) === undefined) go(null)
      })
      return
    case "session_created": {
      void reloadProject(f.session.project_id)
      return
    }
    case "session_updated":
    case "session_renamed":
      onSessionChanged(f)
      return
    case "session_deleted":
      forgetSession(f.session_id)
      if (current.sessionId === f.session_id) go(null)
      scheduleSidebar()
      return
  }
}

export const connectUserChannel = (): void => {
  managedSocket({
    url: () => "/api/ws/user",
    decode: decoderOf(UserFrame),
    onFrame: onUserFrame,
    onBadFrame: (raw, reason) => console.warn("user frame skipped", reason, raw),
    onState: setUserConnection,
    // Whatever happened while we were away: read the lists again.
    onOpen: (reconnected) => {
      if (reconnected) void loadProjects()
    }
  })
}
