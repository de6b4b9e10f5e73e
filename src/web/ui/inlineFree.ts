import { Parser } from "htmlparser2"

/**
 * Chromium checks the page's CSP whenever any document of the page parses HTML, the sanitiser's
 * inert one included: a `style` attribute, an `on…` handler or a `<style>` element in a model's
 * reply raises a CSP report before the sanitiser can drop it. So untrusted HTML is first tokenised
 * in script and written back without them; the sanitiser still decides what is shown.
 */

/** Dropped with their contents: none is ever shown, and some are styles or scripts themselves. */
const DROPPED = new Set([
  "script", "style", "iframe", "frame", "frameset", "object", "embed", "noscript", "noembed", "noframes", "template",
  "textarea", "title", "xmp", "plaintext", "select", "svg", "math", "link", "meta", "base"
])
const VOID = new Set(["area", "br", "col", "embed", "hr", "img", "input", "source", "track", "wbr", "param", "link", "meta", "base"])
const NAME = /^[a-z][a-z0-9-]*$/
const ATTRIBUTE = /^[a-z_][a-z0-9_.:-]*$/

const escapeText = (s: string) => s.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"))
const escapeAttribute = (s: string) => escapeText(s).replace(/"/g, "&quot;")

const keptAttribute = (name: string) => ATTRIBUTE.test(name) && name !== "style" && !name.startsWith("on")

type Open = "emit" | "unwrap" | "drop"

/** The same HTML without inline styles, inline handlers, style or script elements, or comments. */
export const withoutInlineCode = (html: string): string => {
  let out = ""
  const stack: Array<Open> = []
  const dropping = () => stack[stack.length - 1] === "drop"
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        const open: Open = dropping() || DROPPED.has(name) ? "drop" : NAME.test(name) ? "emit" : "unwrap"
        stack.push(open)
        if (open !== "emit") return
        out += `<${name}`
        for (const [k, v] of Object.entries(attributes)) if (keptAttribute(k)) out += ` ${k}="${escapeAttribute(v)}"`
        out += ">"
      },
      onclosetag(name) {
        if (stack.pop() === "emit" && !VOID.has(name)) out += `</${name}>`
      },
      ontext(text) {
        if (!dropping()) out += escapeText(text)
      }
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: false }
  )
  parser.write(html)
  parser.end()
  return out
}
