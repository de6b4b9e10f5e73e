import { api } from "../api/client.ts"
import type { SearchHit } from "../api/types.ts"
import { byId, h, replaceChildren } from "../lib/dom.ts"
import { findSession } from "../state/directory.ts"
import DOMPurify from "dompurify"
import { closeDrawer, openDrawer } from "./drawer.ts"
import { sessionHref } from "./router.ts"
import { errorMessage } from "./toast.ts"

/** Full-text search over all sessions; while a query is typed, the results replace the project list. */
const searchInput = byId("search", HTMLInputElement)
const results = byId("search-results", HTMLDivElement)
const projectsNav = byId("projects", HTMLElement)

const hitLink = (hit: SearchHit) => {
  const snippet = h("div.hit-snippet")
  // Snippets may mark matches with <b>; anything else is stripped.
  snippet.append(DOMPurify.sanitize(hit.snippet, { ALLOWED_TAGS: ["b", "mark", "em"], ALLOWED_ATTR: [], RETURN_DOM_FRAGMENT: true }))
  return h(
    "a.search-hit",
    { href: sessionHref(hit.session_id, hit.message_id), "data-session-id": hit.session_id, onclick: () => closeDrawer() },
    h("div.hit-name", null, hit.session_name ?? hit.name ?? findSession(hit.session_id)?.name ?? "Session"),
    snippet
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
