import { api } from "../api/client.ts"
import type { SearchHit } from "../api/types.ts"
import { byId, h, replaceChildren } from "../lib/dom.ts"
import { findSession } from "../state/directory.ts"
import { closeDrawer, openDrawer } from "./drawer.ts"
import { sessionHref } from "./router.ts"
import { errorMessage } from "./toast.ts"

/** Full-text search over all sessions; while a query is typed, the results replace the project list. */
const searchInput = byId("search", HTMLInputElement)
const results = byId("search-results", HTMLDivElement)
const projectsNav = byId("projects", HTMLElement)

/** The snippet as plain text, its matches (UTF-16 ranges, in order) in <mark>: never parsed as HTML. */
const snippetNodes = (hit: SearchHit): Array<Node> => {
  const out: Array<Node> = []
  let at = 0
  for (const { start, end } of hit.highlights) {
    if (start < at || end <= start || end > hit.snippet.length) continue
    if (start > at) out.push(document.createTextNode(hit.snippet.slice(at, start)))
    out.push(h("mark", null, hit.snippet.slice(start, end)))
    at = end
  }
  if (at < hit.snippet.length) out.push(document.createTextNode(hit.snippet.slice(at)))
  return out
}

const hitLink = (hit: SearchHit) => {
  return h(
    "a.search-hit",
    { href: sessionHref(hit.session_id, hit.message_id), "data-session-id": hit.session_id, onclick: () => closeDrawer() },
    h("div.hit-name", null, hit.session_name || findSession(hit.session_id)?.name || "Session"),
    h("div.hit-snippet", null, ...snippetNodes(hit))
  )
}

let searchTimer: ReturnType<typeof setTimeout> | undefined
let searchToken = 0
const runSearch = () => {
  const q = searchInput.value.trim()
  clearTimeout(searchTimer)
  if (q === "") {
    results.hidden = true
    projectsNav.hidden = false
    return
  }
  searchTimer = setTimeout(async () => {
    const mine = ++searchToken
    try {
      const hits = await api.search(q)
      if (mine !== searchToken) return
      results.hidden = false
      projectsNav.hidden = true
      replaceChildren(results, hits.length === 0 ? h("p.empty-note", null, "No matches") : hits.map(hitLink))
    } catch (e) {
      if (mine === searchToken) replaceChildren(results, h("p.form-error", null, errorMessage(e, "Search failed")))
      results.hidden = false
    }
  }, 180)
}

const clearSearch = () => {
  searchInput.value = ""
  runSearch()
}

export const focusSearch = (): void => {
  openDrawer()
  searchInput.focus()
  searchInput.select()
}

export const wireSearch = (): void => {
  searchInput.addEventListener("input", runSearch)
  searchInput.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && searchInput.value !== "") {
      e.stopPropagation()
      clearSearch()
    } else if (e.key === "Enter") {
      results.querySelector<HTMLAnchorElement>("a.search-hit")?.click()
    }
  })
  results.addEventListener("click", (e) => {
    if (e.target instanceof Element && e.target.closest("a.search-hit")) clearSearch()
  })
}
