import { describe, expect, it } from "vitest"
import { diffLines, showsDiff } from "../../../src/web/ui/diffView.ts"

describe("git tool cards: diff lines", () => {
  it("classifies a commit's header, message, file headers, hunks, added and removed lines and notes", () => {
    const text = [
      "commit 0123456789abcdef0123456789abcdef01234567",
      "Author: Ada Lovelace <ada@example.org>",
      "Date:   2024-03-03 12:00:00 +0000",
      "",
      "    Remove the --- and +++ confusion",
      "",
      "diff --git a/src/app.ts b/src/app.ts",
      "index f144638..86c428a 100644",
      "--- a/src/app.ts",
      "+++ b/src/app.ts",
      "@@ -1,3 +1,3 @@",
      " export const a = 1",
      "-export const b = 3",
      "+export const b = 4",
      "--- not a header inside a hunk",
      "diff --git a/logo.bin b/logo.bin",
      "new file mode 100644",
      "index 0000000..1111111",
      "Binary files /dev/null and b/logo.bin differ",
      "[1 file(s) left out: hidden by the project's secret rules]"
    ].join("\n")
    expect(diffLines(text).map((l) => l.kind)).toEqual([
      "meta", "meta", "meta", "context", "context", "context",
      "file", "meta", "meta", "meta", "hunk", "context", "del", "add", "del",
      "file", "meta", "meta", "meta", "note"
    ])
    expect(diffLines(text).map((l) => l.text).join("\n")).toBe(text)
  })

  it("colours git_diff and git_show of a commit, not git_show of a file, blame or log", () => {
    expect(showsDiff("git_diff", "{}")).toBe(true)
    expect(showsDiff("git_show", JSON.stringify({ rev: "HEAD" }))).toBe(true)
    expect(showsDiff("git_show", JSON.stringify({ rev: "HEAD", path: "a.ts" }))).toBe(false)
    expect(showsDiff("git_show", "{not json")).toBe(false)
    expect(showsDiff("git_blame", JSON.stringify({ path: "a.ts" }))).toBe(false)
    expect(showsDiff("git_log", "{}")).toBe(false)
  })
})
