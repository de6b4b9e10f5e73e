import { describe, expect, it } from "vitest"
import { withoutInlineCode } from "../../../src/web/ui/inlineFree.ts"

describe("withoutInlineCode (untrusted HTML before the sanitiser parses it)", () => {
  it("drops style attributes however they are written", () => {
    expect(withoutInlineCode(`<p style="color:red">a</p>`)).toBe("<p>a</p>")
    expect(withoutInlineCode(`<P STYLE=color:red>a</P>`)).toBe("<p>a</p>")
    expect(withoutInlineCode(`<p a="1"style="x">a</p>`)).toBe(`<p a="1">a</p>`)
    expect(withoutInlineCode(`<p/style="x">a</p>`)).not.toMatch(/style/i)
  })

  it("drops inline handlers, and style and script elements with their contents", () => {
    expect(withoutInlineCode(`<img src="x" onerror="alert(1)">`)).toBe(`<img src="x">`)
    expect(withoutInlineCode(`a<style>body{display:none}</style>b<script>x()</script>c`)).toBe("abc")
    expect(withoutInlineCode(`<svg><style>*{}</style><image href="y"/></svg>after`)).toBe("after")
    expect(withoutInlineCode(`<!-- note -->x`)).toBe("x")
  })

  it("keeps ordinary Markdown output as it was", () => {
    const code = `<pre class="code" data-lang="ts"><code class="hljs"><span class="hljs-keyword">const</span> a = &quot;&lt;b&gt;&quot; &amp;&amp; 1</code></pre>`
    expect(withoutInlineCode(code)).toBe(code.replace(/&quot;/g, '"'))
    const table = `<table>\n<thead>\n<tr>\n<th align="left">file</th>\n</tr>\n</thead>\n</table>\n<p><a href="https://example.org/?a=1&amp;b=2">x</a></p>\n`
    expect(withoutInlineCode(table)).toBe(table)
  })

  it("never turns escaped text into markup", () => {
    expect(withoutInlineCode("&lt;style&gt;x&lt;/style&gt; 1 &lt; 2")).toBe("&lt;style&gt;x&lt;/style&gt; 1 &lt; 2")
    expect(withoutInlineCode(`<a title="&quot;><style>">t</a>`)).toBe(`<a title="&quot;&gt;&lt;style&gt;">t</a>`)
  })
})
