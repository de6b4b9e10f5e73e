import { h } from "../lib/dom.ts"
import type { ToolView } from "../model/session.ts"
import { renderDiff, showsDiff } from "./diffView.ts"
import { renderCode } from "./markdown.ts"

/** One tool call of an answer: a collapsible card with its arguments and result. */
const prettyArgs = (args: string): { text: string; lang: string } => {
  try {
    const value: unknown = JSON.parse(args)
    return { text: JSON.stringify(value, null, 2), lang: "json" }
  } catch {
    return { text: args, lang: "" }
  }
}

const shortArgs = (args: string): string => {
  try {
    const value: unknown = JSON.parse(args)
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return Object.entries(value)
        .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
        .join(" ")
    }
  } catch {
    // fall through: raw text
  }
  return args
}

/** `answerStreaming`: a call without a result is still running rather than left without one. */
export const toolCard = (t: ToolView, answerStreaming: boolean, open: boolean): HTMLDetailsElement => {
  const running = t.result === null && answerStreaming
  const error = t.result?.error
  const args = prettyArgs(t.args)
  const git = t.name.startsWith("git_")
  const card = h(
    `details.tool${git ? ".tool-git" : ""}${error ? ".tool-error" : ""}`,
    { "data-tool": t.name, "data-tool-id": t.id },
    h(
      "summary",
      null,
      h("span.tool-name", null, t.name),
      h("span.tool-args", { title: t.args }, shortArgs(t.args)),
      running ? h("span.badge.run", null, "running") : null,
      t.result === null && !running ? h("span.badge", null, "no result") : null,
      t.result?.truncated ? h("span.badge.warn", null, "truncated") : null,
      error ? h("span.badge.err", null, "error") : null
    ),
    h(
      "div.tool-body",
      null,
      h("h4", null, "Arguments"),
      renderCode(args.text, args.lang),
      t.result !== null ? h("h4", null, error ? "Error" : "Result") : null,
      t.result === null
        ? null
        : !error && t.result.output !== "" && showsDiff(t.name, t.args)
          ? renderDiff(t.result.output)
          : renderCode(error ? `${error}${t.result.output ? `\n\n${t.result.output}` : ""}` : t.result.output || "(empty)", ""),
      t.result?.truncated ? h("p.muted", null, "The output was cut at the tool's size limit.") : null
    )
  )
  card.open = open
  return card
}
