import { describe, expect, it } from "@effect/vitest"
import { dropHiddenSections, headerPath } from "../../../src/infra/tools/git/DiffSections.ts"

const secrets = { isHidden: (rel: string) => rel === ".env" || rel.endsWith("/.env") }

describe("diff sections", () => {
  it("reads the path of a `diff --git` header, quoted or not", () => {
    expect(headerPath("diff --git a/src/app.ts b/src/app.ts")).toBe("src/app.ts")
    expect(headerPath("diff --git a/my file b/x b/my file b/x")).toBe("my file b/x")
    expect(headerPath('diff --git "a/caf\\303\\251/.env" "b/caf\\303\\251/.env"')).toBe("café/.env")
    expect(headerPath('diff --git "a/say \\"hi\\"\\t.txt" "b/say \\"hi\\"\\t.txt"')).toBe('say "hi"\t.txt')
    // anything else is unreadable, and its section is dropped
    expect(headerPath("diff --git a/one b/two")).toBeNull()
    expect(headerPath('diff --git "a/x" "b/y"')).toBeNull()
    expect(headerPath('diff --git "a/x')).toBeNull()
  })

  it("drops the sections of hidden files, quoted names included, and keeps the rest in order", () => {
    const text = [
      "commit 123",
      "",
      "    message",
      "diff --git a/a.txt b/a.txt",
      "+a",
      'diff --git "a/caf\\303\\251/.env" "b/caf\\303\\251/.env"',
      "+SECRET=1",
      "diff --git a/.env b/.env",
      "+SECRET=2",
      "diff --cc merged.txt",
      "+combined",
      "diff --git a/b.txt b/b.txt",
      "+b",
      ""
    ].join("\n")
    expect(dropHiddenSections(text, secrets)).toEqual({
      lines: ["commit 123", "", "    message", "diff --git a/a.txt b/a.txt", "+a", "diff --git a/b.txt b/b.txt", "+b"],
      hidden: 3
    })
  })
})
