import DOMPurify, { type Config } from "dompurify"
import hljs from "highlight.js/lib/core"
import bash from "highlight.js/lib/languages/bash"
import c from "highlight.js/lib/languages/c"
import cpp from "highlight.js/lib/languages/cpp"
import csharp from "highlight.js/lib/languages/csharp"
import css from "highlight.js/lib/languages/css"
import diff from "highlight.js/lib/languages/diff"
import dockerfile from "highlight.js/lib/languages/dockerfile"
import go from "highlight.js/lib/languages/go"
import ini from "highlight.js/lib/languages/ini"
import java from "highlight.js/lib/languages/java"
import javascript from "highlight.js/lib/languages/javascript"
import json from "highlight.js/lib/languages/json"
import kotlin from "highlight.js/lib/languages/kotlin"
import markdown from "highlight.js/lib/languages/markdown"
import php from "highlight.js/lib/languages/php"
import plaintext from "highlight.js/lib/languages/plaintext"
import python from "highlight.js/lib/languages/python"
import ruby from "highlight.js/lib/languages/ruby"
import rust from "highlight.js/lib/languages/rust"
import shell from "highlight.js/lib/languages/shell"
import sql from "highlight.js/lib/languages/sql"
import swift from "highlight.js/lib/languages/swift"
import typescript from "highlight.js/lib/languages/typescript"
import xml from "highlight.js/lib/languages/xml"
import yaml from "highlight.js/lib/languages/yaml"
import { Marked, type Tokens } from "marked"
import { withoutInlineCode } from "./inlineFree.ts"

const languages = {
  bash, c, cpp, csharp, css, diff, dockerfile, go, ini, java, javascript, json, kotlin, markdown, php, plaintext,
  python, ruby, rust, shell, sql, swift, typescript, xml, yaml
}
for (const [name, lang] of Object.entries(languages)) hljs.registerLanguage(name, lang)
hljs.registerAliases(["ts", "tsx", "mts"], { languageName: "typescript" })
hljs.registerAliases(["js", "jsx", "mjs", "cjs"], { languageName: "javascript" })
hljs.registerAliases(["sh", "zsh", "console"], { languageName: "bash" })
hljs.registerAliases(["py"], { languageName: "python" })
hljs.registerAliases(["rs"], { languageName: "rust" })
hljs.registerAliases(["toml"], { languageName: "ini" })
hljs.registerAliases(["html", "svg"], { languageName: "xml" })
hljs.registerAliases(["yml"], { languageName: "yaml" })
hljs.registerAliases(["text", "txt"], { languageName: "plaintext" })

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch)

const highlight = (code: string, lang: string): string => {
  const name = lang.trim().split(/\s+/)[0]?.toLowerCase() ?? ""
  if (name && hljs.getLanguage(name)) return hljs.highlight(code, { language: name, ignoreIllegals: true }).value
  // Auto-detection is costly on every throttled re-render of a long stream: only for short blocks.
  if (!name && code.length < 4000) return hljs.highlightAuto(code).value
  return escapeHtml(code)
}

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    code({ text, lang }: Tokens.Code): string {
      const label = (lang ?? "").trim().split(/\s+/)[0] ?? ""
      return `<pre class="code" data-lang="${escapeHtml(label)}"><code class="hljs">${highlight(text, label)}</code></pre>`
    }
  }
})

const REMOTE = "data-remote-src"

const isSafeImageSource = (src: string): boolean => {
  if (src.startsWith("data:image/")) return true
  try {
    return new URL(src, location.href).origin === location.origin
  } catch {
    return false
  }
}

// Runs inside DOMPurify's inert document, before anything is imported into the page: a remote
// image never gets a `src` in the live document, so it is never fetched.
DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node instanceof Element && node.tagName === "A") {
    node.setAttribute("target", "_blank")
    node.setAttribute("rel", "noopener noreferrer")
  }
  if (node instanceof Element && node.tagName === "IMG") {
    const src = node.getAttribute("src") ?? ""
    if (!isSafeImageSource(src)) {
      node.removeAttribute("src")
      node.setAttribute(REMOTE, src)
    }
  }
})

const purifyConfig: Config & { RETURN_DOM_FRAGMENT: true } = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "video", "audio", "source", "picture", "iframe", "object", "embed", "link", "meta", "base"],
  FORBID_ATTR: ["style", "srcset", "poster", "background", "action", "formaction", "ping"],
  ALLOW_DATA_ATTR: false,
  ADD_ATTR: ["target", "data-lang"],
  RETURN_DOM_FRAGMENT: true
}

/** Replaces each image whose source was not allowed by a link to it. */
const linkRemoteImages = (root: DocumentFragment): void => {
  for (const img of Array.from(root.querySelectorAll(`img[${REMOTE}]`))) {
    const src = img.getAttribute(REMOTE) ?? ""
    const alt = img.getAttribute("alt") ?? ""
    const link = document.createElement("a")
    link.className = "remote-image"
    link.textContent = `Image: ${alt || "untitled"} (remote, not loaded)`
    if (/^https?:\/\//i.test(src)) {
      link.href = src
      link.target = "_blank"
      link.rel = "noopener noreferrer"
    }
    link.title = src
    img.replaceWith(link)
  }
}

const addCopyButtons = (root: DocumentFragment): void => {
  for (const pre of Array.from(root.querySelectorAll("pre.code"))) {
    const bar = document.createElement("div")
    bar.className = "code-bar"
    const lang = document.createElement("span")
    lang.textContent = pre.getAttribute("data-lang") || "text"
    const copy = document.createElement("button")
    copy.type = "button"
    copy.className = "copy-code"
    copy.textContent = "Copy"
    copy.title = "Copy code"
    bar.append(lang, copy)
    pre.prepend(bar)
  }
}

/** Untrusted Markdown to a sanitised fragment: no scripts, no handlers, no remote loads. */
export const renderMarkdown = (text: string): DocumentFragment => {
  const html = withoutInlineCode(marked.parse(text, { async: false }))
  const fragment = DOMPurify.sanitize(html, purifyConfig)
  linkRemoteImages(fragment)
  addCopyButtons(fragment)
  return fragment
}

/** Plain text to highlighted (sanitised) HTML for tool arguments and results. */
export const renderCode = (text: string, lang: string): DocumentFragment => {
  const pre = document.createElement("pre")
  pre.className = "code"
  const code = document.createElement("code")
  code.className = "hljs"
  if (lang && hljs.getLanguage(lang) && text.length < 20000) {
    const fragment = DOMPurify.sanitize(hljs.highlight(text, { language: lang, ignoreIllegals: true }).value, purifyConfig)
    code.append(fragment)
  } else code.textContent = text
  pre.append(code)
  const f = document.createDocumentFragment()
  f.append(pre)
  return f
}
