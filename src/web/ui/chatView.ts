import { api, RequestError } from "../api/client.ts"
import { SessionFrame } from "../api/frames.ts"
import { decoderOf } from "../api/decodeWith.ts"
import { type ManagedSocket, managedSocket } from "../api/socket.ts"
import { apply, type ConversationView, fromDetail, resumePoint, streamingMessage } from "../model/session.ts"
import { current } from "../state/current.ts"
import { showComposer, loadDraft, updateComposer } from "./composer.ts"
import { setSessionConnection } from "./connection.ts"
import { renderHeader } from "./header.ts"
import { flashMessage, forgetMessages, renderMessages, showConversation, showOpenError, showWelcome, updateMessage } from "./messageList.ts"
import { go, routedMessageId } from "./router.ts"
import { renderSidebar } from "./sidebar.ts"
import { errorMessage, toast } from "./toast.ts"

/** Opens the routed session and keeps it live over its socket, resuming where the view left off. */
const decodeSessionFrame = decoderOf(SessionFrame)
let sessionSocket: ManagedSocket | null = null
let openToken = 0

const renderChrome = () => {
  renderHeader()
  showComposer(current.conversation !== null)
}

const onSessionFrame = (conv: ConversationView, f: SessionFrame) => {
  const before = streamingMessage(conv)?.id
  const change = apply(conv, f)
  switch (change.kind) {
    case "none":
      return
    case "gap":
      sessionSocket?.reconnect()
      return
    case "message": {
      const m = conv.messages.find((x) => x.id === change.id)
      if (m) updateMessage(m)
      break
    }
    case "structure":
      renderMessages(conv)
      // A snapshot replaces the session's name and settings too.
      if (f.type === "snapshot") renderChrome()
      break
    case "session":
      if (f.type === "session_deleted") {
        toast("This session was deleted.", "info")
        go(null)
        return
      }
      renderChrome()
      break
  }
  if (before !== streamingMessage(conv)?.id) updateComposer()
}

const socketUrl = (id: string) => {
  const conv = current.conversation
  if (conv === null || conv.sessionId !== id) return `/api/ws/sessions/${encodeURIComponent(id)}?after=0`
  const at = resumePoint(conv)
  const q = new URLSearchParams({ after: String(at.after), offset: String(at.offset), reasoning_offset: String(at.reasoningOffset) })
  if (at.messageId !== undefined) q.set("message_id", at.messageId)
  return `/api/ws/sessions/${encodeURIComponent(id)}?${q.toString()}`
}

const connectSession = (id: string) => {
  let failures = 0
  sessionSocket?.close()
  setSessionConnection("connecting")
  sessionSocket = managedSocket({
    url: () => socketUrl(id),
    decode: decodeSessionFrame,
    onFrame: (f) => {
      if (current.conversation !== null) onSessionFrame(current.conversation, f)
    },
    onBadFrame: (raw, reason) => {
      console.warn("session frame skipped", reason, raw)
      const conv = current.conversation
      if (conv === null || typeof raw !== "object" || raw === null) return
      // Still count its version, so a resume does not ask for it again.
      const v: unknown = Reflect.get(raw, "version")
      if (typeof v === "number" && v > conv.version) conv.version = v
    },
    onState: (s) => {
      setSessionConnection(s)
      failures = s === "open" ? 0 : s === "closed" ? failures + 1 : failures
      // A session that keeps refusing may be gone (deleted elsewhere): ask once in a while.
      if (s === "closed" && failures % 4 === 3) {
        api.session(id).catch((e: unknown) => {
          if (e instanceof RequestError && e.status === 404 && current.sessionId === id) {
            toast("This session no longer exists.")
            go(null)
          }
        })
      }
    }
  })
}

/** A search hit links to `#/s/{id}?m={message}`: bring that message into view. */
const focusRoutedMessage = () => {
  const messageId = routedMessageId()
  if (messageId !== null) flashMessage(messageId)
}

export const openSession = async (id: string | null): Promise<void> => {
  const mine = ++openToken
  if (id !== current.sessionId) {
    sessionSocket?.close()
    sessionSocket = null
    setSessionConnection(null)
    forgetMessages()
  }
  current.sessionId = id
  renderSidebar()
  if (id === null) {
    current.conversation = null
    renderChrome()
    showWelcome()
    return
  }
  try {
    const detail = await api.session(id)
    if (mine !== openToken) return
    current.conversation = fromDetail(detail)
    renderChrome()
    showConversation(current.conversation)
    loadDraft(id)
    connectSession(id)
    focusRoutedMessage()
  } catch (e) {
    if (mine !== openToken) return
    current.conversation = null
    renderChrome()
    showOpenError(errorMessage(e, "Could not open the session."))
  }
}
