import { openSession } from "./ui/chatView.ts"
import { wireComposer } from "./ui/composer.ts"
import { wireDrawer } from "./ui/drawer.ts"
import { wireHeader } from "./ui/header.ts"
import { wireCodeCopy } from "./ui/messageActions.ts"
import { onNavigate, routedSessionId } from "./ui/router.ts"
import { wireSearch } from "./ui/search.ts"
import { loadModels, wireSessionSettings } from "./ui/sessionSettings.ts"
import { wireShortcuts } from "./ui/shortcuts.ts"
import { loadProjects, wireSidebar } from "./ui/sidebar.ts"
import { connectUserChannel } from "./ui/userChannel.ts"

export const start = async (): Promise<void> => {
  wireSidebar()
  wireSearch()
  wireDrawer()
  wireHeader()
  wireSessionSettings()
  wireComposer()
  wireCodeCopy()
  wireShortcuts()
  onNavigate((id) => void openSession(id))
  connectUserChannel()
  await loadProjects()
  loadModels()
  await openSession(routedSessionId())
}
