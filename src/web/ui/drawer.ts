import { byId } from "../lib/dom.ts"

/** On narrow screens the sidebar is a drawer over the conversation. */
const app = byId("app", HTMLDivElement)

export const openDrawer = (): void => app.classList.add("drawer-open")
export const closeDrawer = (): void => app.classList.remove("drawer-open")
export const isDrawerOpen = (): boolean => app.classList.contains("drawer-open")

export const wireDrawer = (): void => {
  byId("menu-btn", HTMLButtonElement).addEventListener("click", () => app.classList.toggle("drawer-open"))
  byId("scrim", HTMLDivElement).addEventListener("click", closeDrawer)
}
