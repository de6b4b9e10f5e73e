import { api } from "../api/client.ts"
import { h } from "../lib/dom.ts"
import type { MessageView } from "../model/session.ts"
import { current } from "../state/current.ts"
import type { MessageAction } from "./messageView.ts"
import { go } from "./router.ts"
import { loadProjects } from "./sidebar.ts"
import { failed, toast } from "./toast.ts"

/** What a message's buttons do, apart from Edit, which only opens the editor in place (see messageList). */
export type ServerAction = Exclude<MessageAction, "edit">

const copyText = async (text: string) => {
  try {
    await navigator.clipboard.writeText(text)
  } catch {
    const area = h("textarea")
    area.value = text
    document.body.append(area)
    area.select()
    document.execCommand("copy")
    area.remove()
  }
  toast("Copied", "info")
}

export const messageAction = async (action: ServerAction, m: MessageView): Promise<void> => {
  const id = current.sessionId
  if (id === null) return
  switch (action) {
    case "copy": {
      // The text stretches of every round, as separate paragraphs (the tool cards between them are left out).
      const stretches = m.parts.flatMap((p) => (p.kind === "text" ? [p.text.trim()] : []))
      await copyText(stretches.length > 1 ? stretches.join("\n\n") : m.content)
      return
    }
    case "regenerate":
      await api.regenerate(id, m.id).catch(failed("Could not regenerate"))
      return
    case "continue":
      await api.continueMessage(id, m.id).catch(failed("Could not continue"))
      return
    case "delete":
      if (!confirm("Delete this message and everything after it? (The audit log keeps them.)")) return
      await api.deleteFrom(id, m.id).catch(failed("Could not delete"))
      return
    case "fork":
      try {
        const fork = await api.fork(id, m.id)
        await loadProjects()
        go(fork.session.id)
        toast("Forked into a new session", "info")
      } catch (e) {
        failed("Could not fork")(e)
      }
      return
  }
}

/** The socket brings the answers shown (an `alternative_selected` frame), as it does to every tab on the session. */
export const selectAlternative = async (m: MessageView, index: number): Promise<void> => {
  const id = current.sessionId
  if (id === null) return
  await api.selectAlternative(id, m.id, index).catch(failed("Could not show that answer"))
}

export const resendEdited = (m: MessageView, content: string): void => {
  const id = current.sessionId
  if (id === null) return
  api.edit(id, m.id, content).catch(failed("Could not resend"))
}

/** Copy buttons inside rendered Markdown (in the conversation and in the audit view). */
export const wireCodeCopy = (): void => {
  document.addEventListener("click", (e) => {
    const btn = e.target instanceof Element ? e.target.closest("button.copy-code") : null
    if (btn === null) return
    const code = btn.closest("pre")?.querySelector("code")
    if (code) void copyText(code.textContent ?? "")
  })
}
