import { describe, expect, it } from "vitest"
import { cleanTitle } from "../../../src/app/turns/autoName.ts"

describe("a session title from the model's reply", () => {
  it("drops think blocks, labels, quotes, markdown marks and the final dot", () => {
    expect(cleanTitle("<think>\nlet me see\n</think>\nTitle: \"Parsing the config file.\"")).toBe("Parsing the config file")
    expect(cleanTitle("**Session title:** `Grep engine speed`")).toBe("Grep engine speed")
    expect(cleanTitle("« Où est la config ? »")).toBe("Où est la config ?")
  })

  it("takes the first non-empty line and answers empty for a reply that is only thinking", () => {
    expect(cleanTitle("\n\n  Event store design  \nbecause it is about events")).toBe("Event store design")
    expect(cleanTitle("<think>unfinished thought")).toBe("")
  })

  it("cuts a long title at a word boundary within 60 characters", () => {
    const long = "How the session reader holds live text until the log relays the tool calls before it"
    const title = cleanTitle(long)
    expect(title).toBe("How the session reader holds live text until the log relays")
    expect(title.length).toBeLessThanOrEqual(60)
  })
})
