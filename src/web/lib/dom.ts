/** Minimal DOM building: h("div.class", {attrs}, children). No innerHTML anywhere but the sanitised Markdown. */
export type Child = Node | string | number | null | undefined | false | ReadonlyArray<Child>

export interface Attrs {
  readonly [name: string]: string | number | boolean | null | undefined | EventListener
}

export const h = <K extends keyof HTMLElementTagNameMap>(
  tagAndClasses: K | `${K}.${string}`,
  attrs: Attrs | null = null,
  ...children: ReadonlyArray<Child>
): HTMLElementTagNameMap[K] => {
  const [tag, ...classes] = tagAndClasses.split(".")
  const el = document.createElement(tag)
  if (classes.length > 0) el.className = classes.join(" ")
  if (attrs !== null) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue
      if (typeof value === "function") el.addEventListener(name.slice(2).toLowerCase(), value)
      else if (value === true) el.setAttribute(name, "")
      else el.setAttribute(name, String(value))
    }
  }
  append(el, children)
  // The tag came from K, so the created element is K's element type.
  return el as HTMLElementTagNameMap[K]
}

export const append = (parent: Node, children: ReadonlyArray<Child>): void => {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue
    if (Array.isArray(c)) append(parent, c)
    else if (c instanceof Node) parent.appendChild(c)
    else parent.appendChild(document.createTextNode(String(c)))
  }
}

export const clear = (el: Element): void => {
  while (el.firstChild) el.removeChild(el.firstChild)
}

export const replaceChildren = (el: Element, ...children: ReadonlyArray<Child>): void => {
  clear(el)
  append(el, children)
}

export const byId = <T extends HTMLElement>(id: string, type: new () => T): T => {
  const el = document.getElementById(id)
  if (!(el instanceof type)) throw new Error(`#${id} missing`)
  return el
}

export const formatTime = (iso: string | null | undefined): string => {
  if (!iso) return ""
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString()
}

export const relativeTime = (iso: string | null | undefined, now = Date.now()): string => {
  if (!iso) return ""
  const t = new Date(iso).getTime()
  if (Number.isNaN(t)) return ""
  const s = Math.max(0, Math.round((now - t) / 1000))
  if (s < 60) return "now"
  if (s < 3600) return `${Math.floor(s / 60)}m`
  if (s < 86400) return `${Math.floor(s / 3600)}h`
  if (s < 86400 * 30) return `${Math.floor(s / 86400)}d`
  return new Date(t).toLocaleDateString()
}
